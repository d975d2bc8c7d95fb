import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { runCli } from '../../src/cli/main';
import { createApiToken } from '../../src/db/repositories/api-tokens';
import type { DatabaseHandle } from '../../src/db/client';
import { listEvents } from '../../src/db/repositories/integration-events';
import { connections, orders, products } from '../../src/db/schema';
import { connectionStateQuery, scheduleIdFor, searchAttributes, workflowIds } from '../../src/definitions';
import { createSecretBox } from '../../src/security/secret-box';
import { createWorker } from '../../src/worker';
import { EmulatorClient } from '../../emulators/shopify/client';
import { DEMO_SCOPES } from '../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../emulators/shopify/server';
import { startTestApi, type RunningApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { recordHistoryForReplay } from '../helpers/replay';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

// The connection lifecycle (SPEC §3) end to end: HTTP API → ConnectionWorkflow on the real dev
// server → real activities → Shopify emulator and this file's own database.

const taskQueue = uniqueTaskQueue('connection');
const secrets = createSecretBox(crypto.randomBytes(32));
const APP_SECRET = 'connection-test-app-secret';
let temporal: TestTemporal;
let database: DatabaseHandle;
let emulator: ShopifyEmulator;
let admin: EmulatorClient;
let api: RunningApi;
let apiToken: string;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  [temporal, database, emulator] = await Promise.all([connectTestTemporal(taskQueue), createTestDatabase(), startShopifyEmulator()]);
  admin = new EmulatorClient(emulator.url);
  const log = pino({ level: 'silent' });
  worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.temporal.namespace,
    taskQueue,
    activities: createActivities({ db: database.db, secrets, log, temporal: temporal.client, taskQueue, wms: null }),
    workflows: { workflowsPath: require.resolve('../../src/workflows') },
  });
  running = worker.run();
  api = await startTestApi({ db: database.db, temporal: temporal.client, taskQueue, secrets });
  apiToken = (await createApiToken(database.db, 'connection-test')).token;
}, 120_000);

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await Promise.all([emulator?.close(), database?.close(), temporal?.close()]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted field by field
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function createShop(domain: string, options: { token: string; scopes?: string[]; products?: number }): Promise<void> {
  const res = await admin.admin('POST', '/shops', {
    domain,
    name: `${domain.split('.')[0]} store`,
    appSecret: APP_SECRET,
    tokens: [{ token: options.token, scopes: options.scopes ?? DEMO_SCOPES }],
    seed: { products: options.products ?? 12, orders: 6, seed: 3 },
  });
  expect(res.status).toBe(201);
}

function createConnection(domain: string, token: string, extra: Json = {}) {
  return call('POST', '/v1/connections', {
    channel: 'shopify',
    clientCode: domain.split('.')[0]!.toUpperCase(),
    warehouseCode: 'WH1',
    credentials: { shop: domain, accessToken: token, appSecret: APP_SECRET, baseUrl: emulator.url },
    ...extra,
  });
}

/** Polls the connection (a query on its workflow) until `done`, or fails after the deadline. */
async function waitForConnection(id: string, done: (c: Json) => boolean, what: string, deadlineMs = 60_000): Promise<Json> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const { body } = await call('GET', `/v1/connections/${id}`);
    if (done(body)) return body;
    if (Date.now() > until) throw new Error(`connection ${id} never reached: ${what} (last: ${JSON.stringify({ status: body.status, reason: body.statusReason })})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function scheduleState(connectionId: string) {
  const description = await temporal.client.schedule.getHandle(scheduleIdFor(connectionId, 'products')).describe();
  return { paused: description.state.paused, note: description.state.note };
}

async function completedConnection(domain: string, token: string): Promise<string> {
  await createShop(domain, { token });
  const created = await createConnection(domain, token);
  expect(created.body.status).toBe('draft');
  expect((await call('POST', `/v1/connections/${created.body.id}/finish`)).status).toBe(200);
  await waitForConnection(created.body.id, (c) => c.status === 'completed', 'completed');
  return created.body.id as string;
}

/**
 * `RECORD_HISTORIES=1 npm test -- test/workflows/connection.test.ts` refreshes the histories
 * test/replay replays against the current code (commit them when the workflow changes on purpose).
 */

describe('ConnectionWorkflow (SPEC §3)', () => {
  it('C-1 creates a draft whose store name is read from the channel; the display name overrides it in the Web UI', async () => {
    await createShop('c1-store.myshopify.com', { token: 'shpat_c1' });
    const created = await createConnection('c1-store.myshopify.com', 'shpat_c1', { displayName: 'C1 Outlet' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', storeName: 'c1-store store', displayName: 'C1 Outlet', storeIdentity: 'c1-store.myshopify.com', active: true });

    const handle = temporal.client.workflow.getHandle(workflowIds.connection(created.body.id));
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(searchAttributes.storeName)).toBe('C1 Outlet');
    expect(description.typedSearchAttributes.get(searchAttributes.connectionId)).toBe(created.body.id);
    expect(await description.staticSummary()).toMatch(/shopify connection of client C1-STORE/);
  });

  it('C-2 a bad token never reaches importing: action_required with the channel message, finish refused', async () => {
    await createShop('c2-bad.myshopify.com', { token: 'shpat_c2_real' });
    const created = await createConnection('c2-bad.myshopify.com', 'shpat_c2_wrong');
    expect(created.body.status).toBe('action_required');
    expect(created.body.statusReason).toMatch(/Invalid API key or access token/);
    const finish = await call('POST', `/v1/connections/${created.body.id}/finish`);
    expect(finish.status).toBe(409);
    expect(finish.body.error.message).toMatch(/needs action first/);
    const state = await temporal.client.workflow.getHandle(workflowIds.connection(created.body.id)).query(connectionStateQuery);
    expect(state.status).toBe('action_required');
  });

  it('C-2 lists the missing access scopes by name', async () => {
    await createShop('c2-scopes.myshopify.com', { token: 'shpat_c2_scopes', scopes: DEMO_SCOPES.filter((s) => s !== 'read_products' && s !== 'write_products') });
    const created = await createConnection('c2-scopes.myshopify.com', 'shpat_c2_scopes');
    expect(created.body.status).toBe('action_required');
    expect(created.body.statusReason).toMatch(/lack access scopes: .*read_products/);
  });

  it('C-3 finish imports products first, then counts open orders, with progress, and completes', async () => {
    await createShop('c3-import.myshopify.com', { token: 'shpat_c3', products: 20 });
    const created = await createConnection('c3-import.myshopify.com', 'shpat_c3');
    const finished = await call('POST', `/v1/connections/${created.body.id}/finish`);
    expect(finished.status).toBe(200);
    expect(finished.body.status).toBe('importing');
    const done = await waitForConnection(created.body.id, (c) => c.status === 'completed', 'completed');
    expect(done.importProgress.products.finished).toBe(true);
    expect(done.importProgress.orders.finished).toBe(true);
    const stored = await database.db.select().from(products).where(eq(products.clientCode, 'C3-IMPORT'));
    expect(stored.length).toBeGreaterThan(0);
    expect(done.importProgress.products.done).toBeGreaterThanOrEqual(20);
    const events = await listEvents(database.db, created.body.id);
    expect(events.map((e) => e.code)).toContain('initial_import_completed');
  });

  it('C-4/C-9 schedules exist after completion; deactivate pauses and activate resumes them', async () => {
    const id = await completedConnection('c4-sched.myshopify.com', 'shpat_c4');
    expect((await scheduleState(id)).paused).toBe(false);
    const schedule = await temporal.client.schedule.getHandle(scheduleIdFor(id, 'products')).describe();
    expect(schedule.policies.overlap).toBe('SKIP');

    const deactivated = await call('POST', `/v1/connections/${id}/deactivate`);
    expect(deactivated.body).toMatchObject({ active: false, status: 'completed' });
    expect(await scheduleState(id)).toEqual({ paused: true, note: 'deactivated' });
    const refused = await call('POST', `/v1/connections/${id}/streams/products/run`);
    expect(refused.status).toBe(409);

    await call('POST', `/v1/connections/${id}/activate`);
    expect(await scheduleState(id)).toEqual({ paused: false, note: 'activated' });
    const [row] = await database.db.select().from(connections).where(eq(connections.id, id));
    expect(row!.active).toBe(true);
  });

  it('C-4/C-9 every stream has its schedule, all paused while inactive; reactivating catches up from the cursors without duplicates', async () => {
    const id = await completedConnection('c4-catchup.myshopify.com', 'shpat_c4c');
    const streams = ['products', 'orders', 'order_reconciliation'] as const;
    const states = async () => Promise.all(streams.map(async (stream) => (await temporal.client.schedule.getHandle(scheduleIdFor(id, stream)).describe()).state.paused));
    expect(await states()).toEqual([false, false, false]);
    const imported = async () => (await database.db.select({ id: orders.id }).from(orders).where(eq(orders.connectionId, id))).length;
    const before = await imported();

    await call('POST', `/v1/connections/${id}/deactivate`);
    expect(await states()).toEqual([true, true, true]);
    const missed = await admin.admin<{ count: number }>('POST', '/shops/c4-catchup.myshopify.com/orders/generate', { count: 5, seed: 99, cancelledRate: 0 });
    expect(missed.status).toBe(201);

    await call('POST', `/v1/connections/${id}/activate`);
    expect(await states()).toEqual([false, false, false]);
    const paidNew = await eventually('the catch-up download', async () => {
      const n = await imported();
      return n > before ? n : null;
    });
    expect(paidNew).toBeGreaterThan(before);
    // A second pass over the same window adds nothing (dedupe by channel order id and version).
    await call('POST', `/v1/connections/${id}/streams/orders/run`);
    await call('POST', `/v1/connections/${id}/streams/order_reconciliation/run`);
    const counts = await eventually('the extra runs', async () => {
      const events = (await listEvents(database.db, id)).filter((e) => e.code === 'orders_download_completed');
      return events.length >= 4 ? events : null; // initial import, catch-up, run now, reconciliation
    });
    expect(counts.length).toBeGreaterThanOrEqual(4);
    expect(await imported()).toBe(paidNew);
    await recordHistoryForReplay(temporal.client, workflowIds.connection(id), 'connection-c4-reactivate-catch-up');
  });

  it('C-9 the hourly inventory reconcile schedule exists while inventory sync is on, pauses with the connection and runs on demand', async () => {
    const id = await completedConnection('c9-inventory.myshopify.com', 'shpat_c9');
    const schedule = () => temporal.client.schedule.getHandle(scheduleIdFor(id, 'inventory_reconcile')).describe();
    await expect(schedule()).rejects.toThrow(ScheduleNotFoundError);
    const refused = await call('POST', `/v1/connections/${id}/streams/inventory_reconcile/run`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/no inventory_reconcile schedule/);

    const on = await call('PATCH', `/v1/connections/${id}/settings`, { syncInventory: true, locationMap: { WH1: 'gid://shopify/Location/1' } });
    expect(on.status).toBe(200);
    const created = await schedule();
    expect(created.spec.intervals?.[0]?.every).toBe(60 * 60 * 1000);
    expect(created.state.paused).toBe(false);
    expect(created.policies.overlap).toBe('SKIP');

    await call('POST', `/v1/connections/${id}/deactivate`);
    expect((await schedule()).state.paused).toBe(true);
    await call('POST', `/v1/connections/${id}/activate`);
    expect((await schedule()).state.paused).toBe(false);
    const run = await call('POST', `/v1/connections/${id}/streams/inventory_reconcile/run`);
    expect(run.status).toBe(202);
    await eventually('the on-demand reconcile', async () => (await listEvents(database.db, id)).find((e) => e.code === 'inventory_reconciled'));

    const off = await call('PATCH', `/v1/connections/${id}/settings`, { syncInventory: false });
    expect(off.status).toBe(200);
    await expect(schedule()).rejects.toThrow(ScheduleNotFoundError);
  });

  it('C-5 a token revoked mid-run halts sync with exactly one error event; rotating resumes it', async () => {
    const id = await completedConnection('c5-revoke.myshopify.com', 'shpat_c5_old');
    await admin.admin('DELETE', '/shops/c5-revoke.myshopify.com/tokens/shpat_c5_old');

    // Two runs fail on the revoked token; the connection reports it once.
    await call('POST', `/v1/connections/${id}/streams/products/run`);
    const halted = await waitForConnection(id, (c) => c.status === 'action_required', 'action_required');
    expect(halted.statusReason).toMatch(/Invalid API key or access token/);
    expect((await scheduleState(id)).paused).toBe(true);
    const authErrors = () =>
      listEvents(database.db, id).then((events) => events.filter((e) => e.severity === 'error' && e.code === 'credentials_rejected'));
    expect(await authErrors()).toHaveLength(1);

    const wrong = await call('PUT', `/v1/connections/${id}/credentials`, { shop: 'c5-revoke.myshopify.com', accessToken: 'shpat_c5_still_wrong', appSecret: APP_SECRET, baseUrl: emulator.url });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/Invalid API key/);

    await admin.admin('PUT', '/shops/c5-revoke.myshopify.com/tokens', { token: 'shpat_c5_new', scopes: DEMO_SCOPES });
    const rotated = await call('PUT', `/v1/connections/${id}/credentials`, { shop: 'c5-revoke.myshopify.com', accessToken: 'shpat_c5_new', appSecret: APP_SECRET, baseUrl: emulator.url });
    expect(rotated.status).toBe(200);
    expect(rotated.body.status).toBe('completed');
    expect((await scheduleState(id)).paused).toBe(false);
    expect(await authErrors()).toHaveLength(1);
    expect((await authErrors())[0]!.resolvedAt).not.toBeNull(); // E-2: the rotation that fixed it resolves it
    await recordHistoryForReplay(temporal.client, workflowIds.connection(id), 'connection-c5-revoke-rotate-orders-health');
  });

  it('C-6 settings are validated against the channel and the setup state; errors name the field', async () => {
    await createShop('c6-settings.myshopify.com', { token: 'shpat_c6' });
    const created = await createConnection('c6-settings.myshopify.com', 'shpat_c6');
    const early = await call('PATCH', `/v1/connections/${created.body.id}/settings`, { syncInventory: true, locationMap: { WH1: 'gid://shopify/Location/1' } });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/syncInventory: inventory sync can be enabled only after setup is completed/);

    const bad = await createConnection('c6-settings.myshopify.com', 'shpat_c6', { settings: { missingProductPolicy: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/settings\.missingProductPolicy/);

    const ok = await call('PATCH', `/v1/connections/${created.body.id}/settings`, { notifyCustomer: true, tagRules: [{ tag: 'FraudReview', action: 'hold' }] });
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toMatchObject({ notifyCustomer: true, tagRules: [{ tag: 'FraudReview', action: 'hold' }], tagAfterImport: 'wms-synced' });
  });

  it('C-7 refuses a second connection to the same store, naming the first', async () => {
    const first = await completedConnection('c7-dup.myshopify.com', 'shpat_c7');
    const second = await createConnection('c7-dup.myshopify.com', 'shpat_c7');
    expect(second.body.status).toBe('action_required');
    expect(second.body.statusReason).toContain(`already connected as connection ${first}`);
  });

  it('C-8 disconnect deletes the schedules and keeps the data', async () => {
    const id = await completedConnection('c8-bye.myshopify.com', 'shpat_c8');
    const disconnected = await call('POST', `/v1/connections/${id}/disconnect`);
    expect(disconnected.body.status).toBe('disconnected');
    await expect(temporal.client.schedule.getHandle(scheduleIdFor(id, 'products')).describe()).rejects.toThrow(/not found/i);
    const kept = await database.db.select().from(products).where(eq(products.clientCode, 'C8-BYE'));
    expect(kept.length).toBeGreaterThan(0);
    const [row] = await database.db.select().from(connections).where(and(eq(connections.id, id), eq(connections.status, 'disconnected')));
    expect(row).toBeDefined();
    expect((await call('POST', `/v1/connections/${id}/activate`)).status).toBe(409);
  });

  it('C-8 disconnecting during the initial import cancels it and creates no schedule', async () => {
    await createShop('c8-midway.myshopify.com', { token: 'shpat_c8_mid', products: 1500 });
    const created = await createConnection('c8-midway.myshopify.com', 'shpat_c8_mid');
    await call('POST', `/v1/connections/${created.body.id}/finish`);
    const child = temporal.client.workflow.getHandle(workflowIds.productsDownload(created.body.id));
    const childStatus = () => child.describe().then((d) => d.status.name, () => 'NOT_STARTED');
    const until = Date.now() + 30_000;
    while ((await childStatus()) !== 'RUNNING' && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await childStatus()).toBe('RUNNING');
    const disconnected = await call('POST', `/v1/connections/${created.body.id}/disconnect`);
    expect(disconnected.status).toBe(200);
    expect(disconnected.body.status).toBe('disconnected');
    const result = await temporal.client.workflow.getHandle(workflowIds.connection(created.body.id)).result();
    expect(result.status).toBe('disconnected');
    await expect(temporal.client.schedule.getHandle(scheduleIdFor(created.body.id, 'products')).describe()).rejects.toThrow(/not found/i);
    const stopUntil = Date.now() + 30_000;
    while ((await childStatus()) === 'RUNNING' && Date.now() < stopUntil) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await childStatus()).toBe('CANCELLED');
  });

  it('C-3 the CLI creates a connection, follows its import and lists it', async () => {
    await createShop('cli-store.myshopify.com', { token: 'shpat_cli' });
    const credentialsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-cli-')), 'credentials.json');
    fs.writeFileSync(credentialsFile, JSON.stringify({ shop: 'cli-store.myshopify.com', accessToken: 'shpat_cli', appSecret: APP_SECRET, baseUrl: emulator.url }));
    // The CLI reads its API URL and token from the environment on first use.
    process.env.STORELINK_API_URL = api.url;
    process.env.STORELINK_API_TOKEN = apiToken;
    process.env.STORELINK_ENCRYPTION_KEY ??= Buffer.alloc(32, 5).toString('base64'); // required beside DATABASE_URL (CI)
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    try {
      await runCli(['node', 'storelink', 'connections', 'create', '--channel', 'shopify', '--client', 'CLI', '--warehouse', 'WH9', '--credentials-file', credentialsFile, '--finish']);
      await runCli(['node', 'storelink', 'connections', 'list']);
    } finally {
      log.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/status +draft, active/);
    expect(text).toMatch(/status +completed, active/);
    expect(text).toMatch(/import +products \d+ \(done\), open orders \d+ \(done\)/);
    expect(text).toMatch(/shopify +cli-store store +completed/);
  });

  it('R-5 no token or secret appears in any history of this file\'s workflows', async () => {
    const secretsUsed = ['shpat_cli', 'shpat_c8_mid', 'shpat_c1', 'shpat_c2_real', 'shpat_c2_wrong', 'shpat_c3', 'shpat_c4', 'shpat_c5_old', 'shpat_c5_new', 'shpat_c6', 'shpat_c7', 'shpat_c8', APP_SECRET];
    let histories = 0;
    for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
      const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const text = historyToJSON(history);
      const decoded = [...text.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
      for (const secret of secretsUsed) {
        expect(text).not.toContain(secret);
        expect(decoded).not.toContain(secret);
      }
      histories++;
    }
    expect(histories).toBeGreaterThan(10);
  });
});
