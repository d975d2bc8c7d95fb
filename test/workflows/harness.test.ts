import type { WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import Long from 'long';
import { searchAttributes } from '../../src/definitions';
import { assertSearchAttributesRegistered } from '../../src/temporal/search-attribute-check';
import { createWorker } from '../../src/worker';
import { harnessStateQuery, harnessWorkflow } from '../fixtures/harness-workflows';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

let temporal: TestTemporal;
const taskQueue = uniqueTaskQueue('harness');
const workflowsPath = require.resolve('../fixtures/harness-workflows');

beforeAll(async () => {
  temporal = await connectTestTemporal(taskQueue);
});
afterAll(() => temporal.close());

/** An activity that reports when it starts and finishes only when told to. */
function gatedActivity() {
  let started!: () => void;
  let release!: () => void;
  const startedSignal = new Promise<void>((resolve) => (started = resolve));
  const releaseGate = new Promise<void>((resolve) => (release = resolve));
  let executions = 0;
  return {
    activities: {
      async slowStep(label: string) {
        executions++;
        started();
        await releaseGate;
        return `step done for ${label}`;
      },
    },
    startedSignal,
    release,
    executions: () => executions,
  };
}

describe('test harness on the real Temporal dev server', () => {
  it('runs a workflow with search attributes, a summary and current details visible to the Web UI', async () => {
    const gate = gatedActivity();
    const worker = await createWorker({ connection: temporal.nativeConnection, namespace: temporal.temporal.namespace, taskQueue, activities: gate.activities, workflows: { workflowsPath } });
    await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(harnessWorkflow, {
        taskQueue,
        workflowId: `harness:${taskQueue}:visible`,
        args: ['ACME #1001'],
        staticSummary: 'Harness order #1001 for ACME',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.connectionId, value: 'conn-1' },
          { key: searchAttributes.orderNumber, value: '#1001' },
        ]),
      });
      await gate.startedSignal;
      expect(await handle.query(harnessStateQuery)).toBe('started');
      gate.release();
      expect(await handle.result()).toBe('step done for ACME #1001');

      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(searchAttributes.connectionId)).toBe('conn-1');
      expect(description.typedSearchAttributes.get(searchAttributes.orderStatus)).toBe('shipped');
      expect(await description.staticSummary()).toBe('Harness order #1001 for ACME');
      // The Web UI reads current details through this built-in query.
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toBe('finished: step done for ACME #1001');
    });
  });

  it('the dev server has every search attribute of SPEC §9 registered, and the worker check passes', async () => {
    await expect(assertSearchAttributesRegistered(temporal.client)).resolves.toBeUndefined();
  });

  it('the worker check names the missing search attributes on a namespace without them', async () => {
    const namespace = `bare-${taskQueue}`;
    await temporal.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
    const { Client } = await import('@temporalio/client');
    const bare = new Client({ connection: temporal.client.connection, namespace });
    await expect(assertSearchAttributesRegistered(bare)).rejects.toThrow(
      /lacks the search attributes ConnectionId, Channel, StoreName, OrderNumber, OrderStatus[\s\S]*temporal operator search-attribute create/,
    );
  });
});

describe('worker graceful shutdown', () => {
  it('lets an in-flight activity finish on shutdown; the workflow completes on the next worker without re-running it', async () => {
    const gate = gatedActivity();
    let workflowHandle: WorkflowHandle | undefined;
    const worker = await createWorker({ connection: temporal.nativeConnection, namespace: temporal.temporal.namespace, taskQueue, activities: gate.activities, workflows: { workflowsPath } });
    const running = worker.run();
    try {
      const handle = await temporal.client.workflow.start(harnessWorkflow, { taskQueue, workflowId: `harness:${taskQueue}:shutdown`, args: ['in-flight'] });
      await gate.startedSignal;

      worker.shutdown(); // what SIGTERM does in src/serve.ts
      expect(['DRAINING', 'STOPPING']).toContain(worker.getState());
      gate.release(); // the activity finishes inside the grace time
      await running;
      expect(worker.getState()).toBe('STOPPED');
      workflowHandle = handle;
    } finally {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      gate.release();
      await running;
    }

    const next = gatedActivity();
    next.release();
    const replacement = await createWorker({ connection: temporal.nativeConnection, namespace: temporal.temporal.namespace, taskQueue, activities: next.activities, workflows: { workflowsPath } });
    const result = await replacement.runUntil(workflowHandle!.result());
    expect(result).toBe('step done for in-flight');
    expect(gate.executions()).toBe(1);
    expect(next.executions()).toBe(0);
  });
});
