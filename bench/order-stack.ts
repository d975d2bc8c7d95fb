// The order benches' world (SPEC §13 N-1, N-2, N-4, N-5, N-6), shared by every bench/n*-*.ts that
// needs orders: a fresh embedded Temporal dev server (the arguments `npm start` uses, a temp
// database file, free ports), the Shopify emulator in this process, and the Storelink side — the
// database (PGlite in memory, or a fresh database on the Postgres server of DATABASE_URL), the
// real worker with the real activities from the prebuilt bundle, optionally the API — in a child
// process (bench/stack-process.ts), so its RSS is the worker's and it shares no event loop with
// the emulator or the measuring client. Plus the floors every target is a ratio against, measured
// on the same server in the same run:
//   floor A: raw workflow-start rate (no-op workflows, starts only, `concurrency` in flight);
//   floor B: signal → first line of the activity of a bare workflow (bench/floor-workflows.ts),
//            run by a worker in the same child process as the real one.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { freePort } from './free-port';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type * as DevServer from '../scripts/temporal-dev-server.mjs';
import { parseConfig } from '../src/config';
import { workflowIds, workflowTypes } from '../src/definitions';
import type { ConnectionSettingsInput } from '../src/domain/connection-settings';
import { projectRoot } from '../src/paths';
import type { OrdersDownloadInput } from '../src/workflows/orders-download';
import { EmulatorClient } from '../emulators/shopify/client';
import { DEMO_SCOPES } from '../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify/server';
import { FLOOR_SIGNAL } from './floor-workflows';
import type { ActivityStarted, CallTiming, ConnectShopInput, MemoryFigures, OrderCounts, ReleasedOrder, StackProcessOptions, StackReady, StackRequest, StackResponse } from './stack-process';

// Required when first used: jest, which loads this module for test/chaos, cannot require an ES module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const devServer = () => require(path.join(projectRoot, 'scripts', 'temporal-dev-server.mjs')) as typeof DevServer;

export type { ActivityStarted, CallTiming, MemoryFigures, OrderCounts, ReleasedOrder };

const temporalBinary = process.env.TEMPORAL_CLI_PATH ?? path.join(projectRoot, '.tools', 'temporal', 'bin', 'temporal');
const APP_SECRET = 'bench-app-secret';
const FLOOR_QUEUE = 'bench-floor';
/** Floor A's no-op workflows go to a queue nobody polls: a start is a history write and nothing else. */
const UNPOLLED_QUEUE = 'bench-floor-unpolled';

/** What `npm start` would use for the worker cache (TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS or its default). */
export const configuredMaxCachedWorkflows = () =>
  parseConfig({ TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: process.env.TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS }).worker.maxCachedWorkflows;

/** What `npm start` would use for INVENTORY_COALESCE_MS (the environment's value or the default). */
export const configuredInventoryCoalesceMs = () => parseConfig({ INVENTORY_COALESCE_MS: process.env.INVENTORY_COALESCE_MS }).inventory.coalesceMs;

export const wallMs = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StackOptions {
  /** run the API in the Storelink process (POST /v1/orders/:id/shipments) */
  api?: boolean;
  /** a worker of the bare floor workflows beside the real one (floor B) */
  floorWorker?: boolean;
  /** the real worker's cache; default: TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS (what `npm start` uses) */
  maxCachedWorkflows?: number;
  /** activities whose starts the Storelink process announces (`events`, 'activityStarted') */
  announceActivities?: string[];
  /** the profile files database queries by statement */
  profileStatements?: boolean;
}

export interface OrderStack {
  client: Client;
  emulator: ShopifyEmulator;
  admin: EmulatorClient;
  taskQueue: string;
  maxCachedWorkflows: number;
  database: 'pglite' | 'postgres';
  /** the API of the Storelink process, when started */
  api: { url: string; token: string } | null;
  /** RSS and heap of the Storelink process at start-up stages */
  startupMemory: StackReady['memory'];
  /** what `npm start` would use for INVENTORY_COALESCE_MS, given to the worker and the API */
  inventoryCoalesceMs: number;
  /** 'activityStarted' (ActivityStarted) for the announced activities */
  events: EventEmitter;
  /** calls into the Storelink process (bench/stack-process.ts) */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** What the shop and order helpers below use of a stack; a test with Storelink processes of its own builds one (test/chaos). */
export type StackParts = Pick<OrderStack, 'client' | 'emulator' | 'admin' | 'taskQueue' | 'call'>;

/** A Storelink process (bench/stack-process.ts) and the IPC calls into it. */
export interface StorelinkProcess {
  child: ChildProcess;
  ready: Promise<StackReady>;
  exited: Promise<void>;
  /** messages the process sends on its own ('activityStarted') */
  events: EventEmitter;
  call<T>(method: string, ...args: unknown[]): Promise<T>;
}

async function startTemporal(dir: string): Promise<{ address: string; child: ChildProcess }> {
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'temporal.log'), 'a');
  const child = spawn(temporalBinary, devServer().devServerArgs(path.join(dir, 'temporal.db'), { port, uiPort: await freePort() }), { stdio: ['ignore', log, log] });
  const address = `127.0.0.1:${port}`;
  await devServer().waitFor(async () => {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      return true;
    } catch {
      return false;
    }
  }, 'Temporal dev server', 60_000);
  return { address, child };
}

/** A fresh database on the DATABASE_URL server for this run (dropped at close), or undefined for PGlite. */
export async function benchPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `storelink_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const pg = new PgClient({ connectionString: serverUrl });
    await pg.connect();
    try {
      await pg.query(statement);
    } finally {
      await pg.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** A workflow bundle written to `dir`, for Storelink processes to load instead of bundling at start. */
export async function bundle(dir: string, name: string, workflowsPath: string, preloadModules?: string[]): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN'), ...(preloadModules ? { preloadModules } : {}) });
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, code);
  return file;
}

/**
 * BENCH_WORKFLOW_PRELOAD=zod,…: an experiment, not the product — the real workflows bundled with
 * these modules preloaded (evaluated once per V8 context and shared, instead of once per workflow).
 */
const preloadExperiment = () => (process.env.BENCH_WORKFLOW_PRELOAD ?? '').split(',').filter(Boolean);

/** Built, the compiled stack-process.js; run from source (jest), stack-process.ts compiled on load by register-ts.cjs. */
export function forkStorelink(options: StackProcessOptions): StorelinkProcess {
  const fromSource = __filename.endsWith('.ts');
  const child = fork(path.join(__dirname, fromSource ? 'stack-process.ts' : 'stack-process.js'), [], {
    env: { ...process.env, BENCH_STACK: JSON.stringify(options) },
    // BENCH_STORELINK_NODE_ARGS: extra Node flags for the Storelink process (e.g. --max-old-space-size=256)
    execArgv: [
      ...(fromSource ? ['--require', path.join(__dirname, 'register-ts.cjs'), '--enable-source-maps'] : []),
      '--expose-gc',
      ...(process.env.BENCH_STORELINK_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const events = new EventEmitter();
  let nextId = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<StackReady>((resolve, reject) => {
    child.on('message', (message: StackReady | ActivityStarted | StackResponse) => {
      if ('type' in message) return message.type === 'ready' ? resolve(message) : void events.emit(message.type, message);
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(`Storelink process: ${message.error}`));
    });
    child.once('exit', (code) => {
      exited = true;
      const error = new Error(`the Storelink process exited with ${code}`);
      reject(error);
      for (const call of pending.values()) call.reject(error);
    });
  });
  return {
    child,
    ready,
    exited: exit,
    events,
    call<T>(method: string, ...args: unknown[]): Promise<T> {
      if (exited) return Promise.reject(new Error('the Storelink process has exited'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, args } satisfies StackRequest);
      });
    },
  };
}

export async function startOrderStack(options: StackOptions = {}): Promise<OrderStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-bench-'));
  const taskQueue = 'storelink-bench';
  const maxCachedWorkflows = options.maxCachedWorkflows ?? configuredMaxCachedWorkflows();
  const inventoryCoalesceMs = configuredInventoryCoalesceMs();
  const preload = preloadExperiment();
  const [temporal, postgres, floorBundle, workflowBundle, emulator] = await Promise.all([
    startTemporal(dir),
    benchPostgres(),
    options.floorWorker ? bundle(dir, 'floor-workflows', require.resolve('./floor-workflows')) : Promise.resolve(undefined),
    preload.length > 0 ? bundle(dir, 'workflows-preloaded', require.resolve('../src/workflows'), preload) : Promise.resolve(undefined),
    startShopifyEmulator(),
  ]);
  const connection = await Connection.connect({ address: temporal.address });
  const storelink = forkStorelink({
    temporalAddress: temporal.address,
    taskQueue,
    databaseUrl: postgres?.url,
    maxCachedWorkflows,
    api: options.api ?? false,
    inventoryCoalesceMs,
    announceActivities: options.announceActivities ?? [],
    profileStatements: options.profileStatements ?? false,
    ...(floorBundle ? { floor: { bundlePath: floorBundle, taskQueue: FLOOR_QUEUE } } : {}),
    ...(workflowBundle ? { workflowBundlePath: workflowBundle } : {}),
  });
  const ready = await storelink.ready;
  return {
    client: new Client({ connection }),
    emulator,
    admin: new EmulatorClient(emulator.url),
    taskQueue,
    maxCachedWorkflows,
    database: postgres ? 'postgres' : 'pglite',
    api: ready.apiUrl && ready.apiToken ? { url: ready.apiUrl, token: ready.apiToken } : null,
    startupMemory: ready.memory,
    inventoryCoalesceMs,
    events: storelink.events,
    call: storelink.call,
    async close() {
      await storelink.call('close').catch(() => undefined);
      await storelink.exited;
      await connection.close();
      await emulator.close();
      const stopped = new Promise((resolve) => temporal.child.once('exit', resolve));
      temporal.child.kill('SIGTERM');
      await stopped;
      await postgres?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- shops, orders, downloads

export interface BenchShop {
  domain: string;
  token: string;
  connectionId: string;
}

/**
 * A shop on the emulator (plus plan unless told: throttling must not dominate) with `products`
 * seeded products (default 50; the emulator's seed takes up to 5,000, with 1–4 variants each) and
 * `orders` generated orders, every one paid so every one is released (no cancellations), and a
 * completed connection to it made directly in the Storelink database, as
 * test/workflows/order-harness.ts does.
 */
export async function createShop(
  stack: StackParts,
  { name, orders, products = 50, plan = 'plus', settings = {} }: { name: string; orders: number; products?: number; plan?: 'standard' | 'plus'; settings?: ConnectionSettingsInput },
): Promise<BenchShop> {
  const domain = `${name}-${crypto.randomBytes(3).toString('hex')}.myshopify.com`;
  const token = `shpat_bench_${name}`;
  const created = await stack.admin.admin('POST', '/shops', { domain, appSecret: APP_SECRET, plan, tokens: [{ token, scopes: DEMO_SCOPES }], seed: { products, orders: 0, seed: 11 } });
  if (created.status !== 201) throw new Error(`emulator refused the shop: ${JSON.stringify(created.body)}`);
  if (orders > 0) await generatePaidOrders(stack, domain, orders);
  const input: ConnectShopInput = { domain, token, appSecret: APP_SECRET, baseUrl: stack.emulator.url, settings };
  return { domain, token, connectionId: await stack.call<string>('connectShop', input) };
}

/** `/orders/generate` (a mix of financial statuses), then every order marked paid through the admin API. */
export async function generatePaidOrders(stack: StackParts, domain: string, count: number): Promise<number[]> {
  const generated = await stack.admin.admin<{ ids: number[] }>('POST', `/shops/${domain}/orders/generate`, { count, seed: 12, cancelledRate: 0 });
  if (generated.status !== 201) throw new Error(`emulator refused to generate orders: ${JSON.stringify(generated.body)}`);
  await inParallel(generated.body.ids, 32, async (id) => {
    const res = await stack.admin.admin('PATCH', `/shops/${domain}/orders/${id}`, { financialStatus: 'PAID' });
    if (res.status !== 200) throw new Error(`emulator refused to mark order ${id} paid: ${JSON.stringify(res.body)}`);
  });
  return generated.body.ids;
}

/** One ordersDownloadWorkflow run of the connection (incremental: a new connection reads its lookback window). */
export async function startDownload(stack: StackParts, shop: BenchShop): Promise<WorkflowHandle> {
  const input: OrdersDownloadInput = { connectionId: shop.connectionId, mode: { kind: 'incremental' } };
  return stack.client.workflow.start(workflowTypes.ordersDownload, {
    workflowId: `${workflowIds.ordersDownload(shop.connectionId)}:bench-${crypto.randomBytes(3).toString('hex')}`,
    taskQueue: stack.taskQueue,
    args: [input],
  });
}

export async function orderCounts(stack: StackParts, shop: BenchShop): Promise<OrderCounts> {
  return stack.call<OrderCounts>('orderCounts', shop.connectionId);
}

/** Polls the Storelink database until `done` holds; returns the counts then. */
export async function waitForOrders(stack: StackParts, shop: BenchShop, what: string, done: (c: OrderCounts) => boolean, timeoutMs: number): Promise<OrderCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await orderCounts(stack, shop);
    if (done(counts)) return counts;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(counts)}`);
    await sleep(250);
  }
}

/** POST /v1/orders/:id/shipments over HTTP, as the WMS does (O-3). */
export async function postShipment(stack: OrderStack, order: ReleasedOrder, wmsShipmentId: string, tracking: string): Promise<void> {
  if (!stack.api) throw new Error('the stack runs no API');
  const res = await fetch(`${stack.api.url}/v1/orders/${order.id}/shipments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ wmsShipmentId, carrier: 'UPS', service: 'Ground', trackingNumbers: [tracking], trackingUrl: null, shippedAt: new Date().toISOString(), lines: order.lines }),
  });
  if (res.status !== 202) throw new Error(`shipment of order ${order.orderNumber} answered ${res.status}: ${await res.text()}`);
}

// ---- floors

/** Floor A: `count` no-op workflow starts with `concurrency` in flight (N-7's measurement); starts/s. */
export async function floorStartRate(stack: OrderStack, tag: string, count: number, concurrency: number): Promise<number> {
  const began = wallMs();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    (i) => stack.client.workflow.start('benchNoop', { taskQueue: UNPOLLED_QUEUE, workflowId: `floor-a-${tag}-${i}` }),
  );
  return count / ((wallMs() - began) / 1000);
}

/** Offset of the Storelink process's wall clock against ours, from the fastest of 30 IPC round trips. */
async function clockOffset(stack: OrderStack): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 30; i++) {
    const sent = wallMs();
    const theirs = await stack.call<number>('clock');
    const back = wallMs();
    if (back - sent < best.rtt) best = { rtt: back - sent, offset: theirs - (sent + back) / 2 };
  }
  return best.offset;
}

/**
 * Floor B: `count` bare workflows wait for a signal (each past its first workflow task, cached by
 * the floor worker); one at a time, the time from our signal call to the first line of the
 * activity the signal lets the workflow run. Milliseconds, in posting order.
 */
export async function floorSignalToActivity(stack: OrderStack, tag: string, count: number, gapMs = 20): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, i) => `floor-b-${tag}-${i}`);
  await inParallel(ids, 16, (workflowId) => stack.client.workflow.start('benchSignalThenActivity', { taskQueue: FLOOR_QUEUE, workflowId }));
  const offset = await clockOffset(stack);
  const latencies: number[] = [];
  for (const id of ids) {
    const handle = stack.client.workflow.getHandle(id);
    await devServer().waitFor(async () => (await handle.describe()).historyLength >= 4, `${id} past its first workflow task`, 30_000);
    await sleep(gapMs);
    const sent = wallMs();
    await handle.signal(FLOOR_SIGNAL);
    const began = (await handle.result()) as number;
    latencies.push(began - offset - sent);
  }
  return latencies;
}

// ---- figures

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencySummary(values: readonly number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  return { n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max: Math.max(...values) };
}

/** The "where the time went" table of a Storelink process's profile (bench/stack-process.ts), per unit of work. */
export function printProfile(profile: readonly CallTiming[], per: { count: number; label: string }): void {
  console.log(`\nWhere the time went: wall time awaiting each kind of call in the Storelink process, by activity (calls overlap across activities, not within one)`);
  console.log(`| activity | awaiting | calls | total | mean | per ${per.label} |`);
  console.log('|---|---|---|---|---|---|');
  const byActivity = [...profile].sort((a, b) => a.activity.localeCompare(b.activity) || b.ms - a.ms);
  for (const t of byActivity) {
    console.log(`| ${t.activity} | ${t.kind} | ${t.n} | ${(t.ms / 1000).toFixed(1)} s | ${(t.ms / t.n).toFixed(2)} ms | ${(t.ms / per.count).toFixed(2)} ms |`);
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The line every bench prints first: when, where, how loaded. */
export function machineNote(stack: Pick<OrderStack, 'database' | 'maxCachedWorkflows'>): string {
  const version = spawnSync(temporalBinary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return `${new Date().toISOString()} · ${os.cpus().length} cores · load average ${loadAverage()} · node ${process.version} · ${version} · database ${stack.database} · worker maxCachedWorkflows ${stack.maxCachedWorkflows}`;
}

export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

export async function inParallel<T>(items: readonly T[], concurrency: number, each: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

/** Runs a bench's main (which closes its own stack) and exits with its outcome. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
