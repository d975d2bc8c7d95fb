import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { collectStatus, formatStatus } from '../../src/cli/status';
import { parseConfig, type Config } from '../../src/config';
import type { DatabaseHandle } from '../../src/db/client';
import { createWorker } from '../../src/worker';
import { startTestApi, type RunningApi } from '../helpers/api';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const taskQueue = uniqueTaskQueue('status');
let database: DatabaseHandle & { url?: string };
let temporal: TestTemporal;
let api: RunningApi;

beforeAll(async () => {
  database = await createTestDatabase();
  temporal = await connectTestTemporal(taskQueue);
  api = await startTestApi({ db: database.db, temporal: temporal.client, taskQueue });
});
afterAll(async () => {
  await api.close();
  await temporal.close();
  await database.close();
});

function cliConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return parseConfig({
    STORELINK_API_URL: api.url,
    TEMPORAL_ADDRESS: temporal.temporal.address,
    TEMPORAL_NAMESPACE: temporal.temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    STORELINK_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-cli-')),
    ...(database.url ? { DATABASE_URL: database.url, STORELINK_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') } : {}),
    ...overrides,
  });
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const summary = (components: { component: string; ok: boolean }[]) => Object.fromEntries(components.map((c) => [c.component, c.ok]));

describe('storelink status', () => {
  it('reports every component up while a worker polls', async () => {
    const worker = await createWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.temporal.namespace,
      taskQueue,
      activities: {},
      workflows: { workflowsPath: require.resolve('../fixtures/harness-workflows') },
    });
    const components = await worker.runUntil(async () => {
      // the worker's first poll registers it with the task queue
      for (let i = 0; i < 50; i++) {
        const seen = await collectStatus(cliConfig());
        if (seen.every((c) => c.ok)) return seen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return collectStatus(cliConfig());
    });
    expect(summary(components)).toEqual({ api: true, database: true, temporal: true, worker: true });
    expect(formatStatus(components)).toMatch(/^worker\s+up\s+1 worker\(s\) polling task queue/m);
  });

  it('names the worker when none polls', async () => {
    const components = await collectStatus(cliConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('nobody') }));
    expect(summary(components)).toEqual({ api: true, database: true, temporal: true, worker: false });
    expect(formatStatus(components)).toMatch(/^worker\s+DOWN\s+no worker is polling task queue "nobody-/m);
  });

  it('names the API when it does not answer, and checks the database itself', async () => {
    const port = await closedPort();
    const components = await collectStatus(cliConfig({ STORELINK_API_URL: `http://127.0.0.1:${port}` }));
    expect(summary(components)).toMatchObject({ api: false, database: true, temporal: true });
    expect(formatStatus(components)).toMatch(new RegExp(`^api\\s+DOWN\\s+http://127\\.0\\.0\\.1:${port}: connection refused`, 'm'));
  });

  it('names Temporal when it does not answer', async () => {
    const components = await collectStatus(cliConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` }));
    expect(summary(components)).toEqual({ api: true, database: true, temporal: false, worker: false });
    expect(formatStatus(components)).toMatch(/^temporal\s+DOWN\s+127\.0\.0\.1:\d+: /m);
  });

  it('names the database when the API reports it down', async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const degraded = await startTestApi({ db: closed.db, temporal: temporal.client, taskQueue });
    try {
      const components = await collectStatus(cliConfig({ STORELINK_API_URL: degraded.url }));
      expect(summary(components)).toMatchObject({ api: true, database: false, temporal: true });
    } finally {
      await degraded.close();
    }
  });
});
