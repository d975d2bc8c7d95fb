// The Storelink side of a bench, in a process of its own (forked by bench/order-stack.ts): the
// database (PGlite in memory or in a folder, or the Postgres database the parent made), the real
// worker with the real activities, optionally the API, and optionally a second worker of the bare
// floor workflows. Its RSS is the worker's memory (N-5); the parent talks to it over the IPC
// channel only. Chaos tests (test/chaos) kill it and start another on the same database.
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { createActivities } from '../src/activities';
import { buildApi } from '../src/api/server';
import { openDatabase } from '../src/db/client';
import { createApiToken } from '../src/db/repositories/api-tokens';
import { createConnection, saveConnectionSettings, updateConnectionState } from '../src/db/repositories/connections';
import { saveCredentials } from '../src/db/repositories/credentials';
import { dirtyBacklog } from '../src/db/repositories/inventory';
import { orderLines, orders } from '../src/db/schema';
import { parseConnectionSettings, type ConnectionSettingsInput } from '../src/domain/connection-settings';
import { createSecretBox } from '../src/security/secret-box';
import { createWorker } from '../src/worker';

export interface StackProcessOptions {
  temporalAddress: string;
  taskQueue: string;
  /** Postgres database of this run; unset: PGlite, in memory or in pgliteDataDir */
  databaseUrl?: string;
  /** PGlite kept in this folder, so a process started after this one is killed finds its data (test/chaos) */
  pgliteDataDir?: string;
  /** base64 key that seals credentials; one key for processes that share a database; default: random */
  encryptionKey?: string;
  maxCachedWorkflows: number;
  api: boolean;
  /** a bundle of the real workflows the parent made (BENCH_WORKFLOW_PRELOAD, test/chaos); default: the prebuilt one */
  workflowBundlePath?: string;
  /** bundle of bench/floor-workflows.ts and its task queue: floor B runs in this process too */
  floor?: { bundlePath: string; taskQueue: string };
  /** INVENTORY_COALESCE_MS of the worker and the API (default: theirs) */
  inventoryCoalesceMs?: number;
  /** activities whose every start is announced to the parent (an ActivityStarted message) */
  announceActivities?: string[];
  /** the profile files database queries by statement (verb and first table) instead of as one kind */
  profileStatements?: boolean;
}

export interface ConnectShopInput {
  domain: string;
  token: string;
  appSecret: string;
  baseUrl: string;
  settings: ConnectionSettingsInput;
}

export interface OrderCounts {
  stored: number;
  workflowStarted: number;
  released: number;
  shipped: number;
}

export interface ReleasedOrder {
  id: string;
  channelOrderId: string;
  orderNumber: string;
  lines: { sku: string; quantity: number }[];
}

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Wall time spent awaiting one kind of call, per activity type (the profile of a run). */
export interface CallTiming {
  activity: string;
  kind: string;
  n: number;
  ms: number;
}

export type StackReady = { type: 'ready'; apiUrl: string | null; apiToken: string | null; memory: Record<'modulesLoaded' | 'databaseOpen' | 'workerCreated', MemoryFigures> };
/** An announced activity began (its first line, this process's wall clock). */
export type ActivityStarted = { type: 'activityStarted'; activity: string; at: number };
export type StackRequest = { id: number; method: string; args: unknown[] };
export type StackResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const wallMs = () => performance.timeOrigin + performance.now();

// ---- where an activity's time goes: every awaited database query, channel request, signal-with-start
// and the activity itself, timed and filed under the activity that made the call.

const timings = new Map<string, CallTiming>();
/** Set while a method the parent called runs: its queries are the bench's, not Storelink's. */
const benchCall = new AsyncLocalStorage<true>();

function record(kind: string, ms: number): void {
  let activity = benchCall.getStore() ? 'the bench’s own calls' : 'outside activities';
  try {
    activity = Context.current().info.activityType;
  } catch {
    // not inside an activity
  }
  const key = `${activity}\u0000${kind}`;
  const entry = timings.get(key) ?? { activity, kind, n: 0, ms: 0 };
  entry.n++;
  entry.ms += ms;
  timings.set(key, entry);
}

async function timed<T>(kind: string, call: () => Promise<T>): Promise<T> {
  const began = performance.now();
  try {
    return await call();
  } finally {
    record(kind, performance.now() - began);
  }
}

type ShopifyRuntime = typeof import('@shopify/shopify-api/dist/ts/runtime');

/** 'database select listings', 'database insert into listing_stock', … (the first table the statement names). */
function statementKind(statement: unknown): string {
  const text = typeof statement === 'string' ? statement : typeof statement === 'object' && statement !== null && 'text' in statement ? String(statement.text) : '';
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(text)?.[1];
  return `database ${verb}${verb === 'insert' ? ' into' : ''}${table ? ` ${table}` : ''}`;
}

function instrument(client: Client, byStatement: boolean): void {
  // Channel requests: the Shopify library's fetch hook, which src/channels/shopify/transport.ts wraps
  // (lazily, at the first adapter) to reach the emulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shopify = require('@shopify/shopify-api/runtime') as ShopifyRuntime;
  const libraryFetch = shopify.abstractFetch;
  shopify.setAbstractFetchFunc((input, init) => timed(shopifyOperation(init?.body), () => libraryFetch(input, init)));
  const signalWithStart = client.workflow.signalWithStart.bind(client.workflow);
  client.workflow.signalWithStart = ((...args: Parameters<typeof signalWithStart>) => timed('Temporal signal-with-start', () => signalWithStart(...args))) as typeof signalWithStart;
  // Database: PGlite's query/exec/transaction (a transaction's own statements are inside its time);
  // pg's queries through the pool and on checked-out clients (the pool's inner callback calls are not timed twice).
  for (const method of ['query', 'exec', 'transaction'] as const) {
    const original = PGlite.prototype[method] as (...args: unknown[]) => Promise<unknown>;
    (PGlite.prototype as unknown as Record<string, unknown>)[method] = function (this: PGlite, ...args: unknown[]) {
      const kind = method === 'transaction' ? 'database transaction' : byStatement ? statementKind(args[0]) : 'database query';
      return timed(kind, () => original.apply(this, args));
    };
  }
  for (const proto of [pg.Pool.prototype, pg.Client.prototype] as unknown as Record<string, (...args: unknown[]) => unknown>[]) {
    const original = proto.query!;
    proto.query = function (this: unknown, ...args: unknown[]) {
      if (typeof args[args.length - 1] === 'function') return original.apply(this, args);
      return timed(byStatement ? statementKind(args[0]) : 'database query', () => original.apply(this, args) as Promise<unknown>);
    };
  }
}

/** 'Shopify mutation StorelinkInventorySet', 'Shopify query StorelinkOrdersPage', … */
function shopifyOperation(body: unknown): string {
  const query = typeof body === 'string' ? ((JSON.parse(body) as { query?: string }).query ?? '') : '';
  const [, kind, name] = /^\s*(query|mutation)\s*(\w*)/.exec(query) ?? [];
  return `Shopify ${kind ?? 'request'}${name ? ` ${name}` : ''}`;
}

function timedActivities<T extends Record<string, unknown>>(activities: T, announce: ReadonlySet<string>): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      typeof fn === 'function'
        ? (...args: unknown[]) => {
            if (announce.has(name)) process.send!({ type: 'activityStarted', activity: name, at: wallMs() } satisfies ActivityStarted);
            return timed('the activity, start to end', () => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
          }
        : fn,
    ]),
  ) as T;
}

function shopifySettings(input: ConnectionSettingsInput) {
  const parsed = parseConnectionSettings(input, { channel: 'shopify', setupCompleted: true });
  if (!parsed.ok) throw new Error(`bad settings: ${JSON.stringify(parsed.problems)}`);
  return parsed.settings;
}

function memory(collect = false): MemoryFigures {
  if (collect && typeof global.gc === 'function') global.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_STACK ?? '{}') as StackProcessOptions;
  const memoryAt = { modulesLoaded: memory() } as StackReady['memory'];
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const log = pino({ level: 'silent' });
  const secrets = createSecretBox(options.encryptionKey ? Buffer.from(options.encryptionKey, 'base64') : crypto.randomBytes(32));
  const database = await openDatabase(options.databaseUrl ? { kind: 'postgres', url: options.databaseUrl, poolMax: 10 } : { kind: 'pglite', dataDir: options.pgliteDataDir });
  await database.migrate();
  const { db } = database;
  memoryAt.databaseOpen = memory();

  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection });
  instrument(client, options.profileStatements ?? false);
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const workers: Worker[] = [
    await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: options.taskQueue,
      activities: timedActivities(
        createActivities({ db, secrets, log, temporal: client, taskQueue: options.taskQueue, wms: null, inventoryCoalesceMs: options.inventoryCoalesceMs }),
        new Set(options.announceActivities),
      ),
      maxCachedWorkflows: options.maxCachedWorkflows,
      ...(options.workflowBundlePath ? { workflows: { workflowBundle: { codePath: options.workflowBundlePath } } } : {}),
    }),
  ];
  if (options.floor) {
    // SDK defaults (a large cache): the floor is the best case of a bare workflow.
    workers.push(
      await Worker.create({
        connection: nativeConnection,
        taskQueue: options.floor.taskQueue,
        workflowBundle: { codePath: options.floor.bundlePath },
        activities: { floorActivityStarted: async () => wallMs() },
      }),
    );
  }
  const runs = workers.map((w) => w.run());
  memoryAt.workerCreated = memory();

  let apiUrl: string | null = null;
  let apiToken: string | null = null;
  const api = options.api
    ? await buildApi({ db, temporal: client, taskQueue: options.taskQueue, secrets, log, bodyLimitBytes: 1024 * 1024, webUiUrl: 'http://localhost:8233', inventoryCoalesceMs: options.inventoryCoalesceMs })
    : undefined;
  if (api) {
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
    apiToken = (await createApiToken(db, 'bench')).token;
  }

  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {
    async connectShop(input: ConnectShopInput): Promise<string> {
      const row = await createConnection(db, { channel: 'shopify', clientCode: 'BENCH', warehouseCode: 'WH1', displayName: input.domain, active: true, settings: shopifySettings(input.settings) });
      await saveCredentials(db, secrets, row.id, { shop: input.domain, accessToken: input.token, appSecret: input.appSecret, baseUrl: input.baseUrl });
      await updateConnectionState(db, row.id, { status: 'completed', statusReason: null, active: true });
      return row.id;
    },
    async orderCounts(connectionId: string): Promise<OrderCounts> {
      const [row] = await db
        .select({
          stored: sql<number>`count(*)`.mapWith(Number),
          workflowStarted: sql<number>`count(${orders.workflowStartedAt})`.mapWith(Number),
          released: sql<number>`count(${orders.releasedAt})`.mapWith(Number),
          shipped: sql<number>`count(*) filter (where ${orders.status} = 'shipped')`.mapWith(Number),
        })
        .from(orders)
        .where(eq(orders.connectionId, connectionId));
      return row!;
    },
    async releasedOrders(connectionId: string, limit: number): Promise<ReleasedOrder[]> {
      const rows = await db
        .select()
        .from(orders)
        .where(and(eq(orders.connectionId, connectionId), isNotNull(orders.releasedAt), eq(orders.status, 'open')))
        .orderBy(orders.orderNumber)
        .limit(limit);
      return Promise.all(
        rows.map(async (o) => {
          const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, o.id));
          return {
            id: o.id,
            channelOrderId: o.channelOrderId,
            orderNumber: o.orderNumber,
            lines: lines.filter((l) => l.sku && l.quantityToShip > 0).map((l) => ({ sku: l.sku!, quantity: l.quantityToShip })),
          };
        }),
      );
    },
    async memory(collect: boolean): Promise<MemoryFigures> {
      return memory(collect);
    },
    async profile(): Promise<CallTiming[]> {
      return [...timings.values()];
    },
    async resetProfile(): Promise<void> {
      timings.clear();
    },
    /** Settings written straight into the database, as test/workflows/inventory.test.ts does (no wake-up). */
    async saveSettings(connectionId: string, input: ConnectionSettingsInput): Promise<void> {
      await saveConnectionSettings(db, connectionId, shopifySettings(input));
    },
    async inventoryBacklog(connectionId: string): Promise<{ ready: number; waiting: number; nextRetryInMs: number | null }> {
      return dirtyBacklog(db, connectionId);
    },
    async clock(): Promise<number> {
      return wallMs();
    },
    async close(): Promise<void> {
      await api?.close();
      for (const w of workers) w.shutdown();
      await Promise.all(runs);
      await nativeConnection.close();
      await connection.close();
      await database.close();
      setImmediate(() => process.exit(0));
    },
  };

  process.on('message', (message: StackRequest) => {
    const method = methods[message.method];
    const call = method ? benchCall.run(true, () => (method as (...args: unknown[]) => Promise<unknown>)(...message.args)) : Promise.reject(new Error(`no method ${message.method}`));
    call.then(
      (value) => process.send!({ id: message.id, ok: true, value } satisfies StackResponse),
      (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies StackResponse),
    );
  });
  process.send!({ type: 'ready', apiUrl, apiToken, memory: memoryAt } satisfies StackReady);
  await Promise.all(runs);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
