import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sql } from 'drizzle-orm';
import type { Database } from './db/client';

/** Reachability of each component, shared by `/readyz` and `storelink status`. */

export type Component = 'api' | 'database' | 'temporal' | 'worker';

export interface ComponentStatus {
  component: Component;
  ok: boolean;
  detail: string;
}

const CHECK_TIMEOUT_MS = 3_000;
/** A polling worker renews its long poll at least every ~70 s. */
const WORKER_SEEN_WITHIN_MS = 90_000;

export async function checkDatabase(db: Database): Promise<ComponentStatus> {
  return probe('database', async () => {
    await db.execute(sql`select 1`);
    return 'reachable';
  });
}

export async function checkTemporal(client: Client): Promise<ComponentStatus> {
  return probe('temporal', async () => {
    const namespace = client.options.namespace;
    await client.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      client.workflowService.describeNamespace({ namespace }),
    );
    return `reachable, namespace ${namespace}`;
  });
}

export async function checkWorker(client: Client, taskQueue: string): Promise<ComponentStatus> {
  return probe('worker', async () => {
    const response = await client.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const now = Date.now();
    const live = (response.pollers ?? []).filter((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < WORKER_SEEN_WITHIN_MS;
    });
    if (live.length === 0) throw new Error(`no worker is polling task queue "${taskQueue}"`);
    return `${live.length} worker(s) polling task queue "${taskQueue}"`;
  });
}

async function probe(component: Component, check: () => Promise<string>): Promise<ComponentStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return { component, ok: true, detail: await Promise.race([check(), timeout]) };
  } catch (error) {
    return { component, ok: false, detail: describeFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // drizzle wraps driver errors; the driver's message says what actually failed.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? cause.message : error.message;
}
