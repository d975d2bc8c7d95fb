import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_INVENTORY_COALESCE_MS, DEFAULT_TASK_QUEUE } from './definitions';

/**
 * Every environment variable Storelink reads, parsed once. A bad or missing value stops start-up
 * with a message naming the variable and what it expects (see README "Configuration").
 */

/**
 * Workflows a worker keeps in memory between their steps (SPEC N-5: ≤ 400 MB RSS with 10,000 open
 * orders; docs/benchmarks.md). An evicted workflow replays its short history on its next signal.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const port = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ error: 'expected a TCP port number' })
      .int('expected a whole number')
      .min(1, 'expected a port between 1 and 65535')
      .max(65535, 'expected a port between 1 and 65535')
      .default(fallback),
  );

const positiveInt = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: 'expected a number' }).int('expected a whole number').positive('expected a positive number').default(fallback),
  );

const booleanFlag = (fallback: boolean) =>
  z.preprocess(emptyAsUndefined, z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).optional()).transform(
    (value) => (value === undefined ? fallback : value === 'true' || value === '1'),
  );

const encryptionKey = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(value), {
      error: 'expected 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
    })
    .optional(),
);

const envSchema = z
  .object({
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info')),
    LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(['json', 'pretty'], { error: 'expected json or pretty' }).default('json')),
    STORELINK_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// connection URL' })
        .optional(),
    ),
    DATABASE_POOL_MAX: positiveInt(10),
    STORELINK_ENCRYPTION_KEY: encryptionKey,
    TEMPORAL_ADDRESS: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port, e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233')
        .default('localhost:7233'),
    ),
    TEMPORAL_NAMESPACE: z.preprocess(emptyAsUndefined, z.string().min(1).default('default')),
    TEMPORAL_TASK_QUEUE: z.preprocess(emptyAsUndefined, z.string().min(1).default(DEFAULT_TASK_QUEUE)),
    TEMPORAL_TLS: booleanFlag(false),
    TEMPORAL_TLS_CERT_PATH: optionalString,
    TEMPORAL_TLS_KEY_PATH: optionalString,
    TEMPORAL_TLS_CA_PATH: optionalString,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: positiveInt(DEFAULT_MAX_CACHED_WORKFLOWS),
    API_HOST: z.preprocess(emptyAsUndefined, z.string().min(1).default('127.0.0.1')),
    API_PORT: port(8080),
    API_BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
    STORELINK_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional()),
    STORELINK_API_TOKEN: optionalString,
    WMS_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'expected the http(s):// URL the WMS receives order webhooks on' }).optional()),
    WMS_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'expected at least 16 characters (it signs every order webhook)').optional()),
    WMS_WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
    INVENTORY_COALESCE_MS: positiveInt(DEFAULT_INVENTORY_COALESCE_MS),
    STORELINK_WEB_UI_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'expected the http(s):// URL of the Temporal Web UI' }).default('http://localhost:8233')),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH'],
        message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH',
      });
    }
    if (env.WMS_WEBHOOK_URL && !env.WMS_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['WMS_WEBHOOK_SECRET'], message: 'required when WMS_WEBHOOK_URL is set: the shared secret that signs order webhooks' });
    }
    if (env.DATABASE_URL && !env.STORELINK_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORELINK_ENCRYPTION_KEY'],
        message:
          'required when DATABASE_URL is set: 32 random bytes, base64-encoded (only the embedded database generates its own key)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  logLevel: Env['LOG_LEVEL'];
  logFormat: Env['LOG_FORMAT'];
  dataDir: string;
  database: { url?: string; poolMax: number };
  /** base64 key from the environment; unset means the embedded default generates one under dataDir */
  encryptionKey?: string;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
    apiKey?: string;
  };
  /** the worker's sticky cache: how many workflows stay in memory between their steps */
  worker: { maxCachedWorkflows: number };
  api: { host: string; port: number; bodyLimitBytes: number };
  /** how the CLI reaches the API */
  cli: { apiUrl: string; apiToken?: string };
  /** O-1: where released orders are pushed; unset, the WMS pulls them (`GET /v1/orders?status=open`) */
  wms: WmsWebhookConfig | null;
  /** links from orders to their workflow in the Web UI */
  webUiUrl: string;
  /** I-3: level changes within this window become one push */
  inventory: { coalesceMs: number };
}

export interface WmsWebhookConfig {
  url: string;
  secret: string;
  timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        const received = source[variable];
        return `${variable}: ${issue.message}${received === undefined || /KEY|SECRET|TOKEN/.test(variable) ? '' : ` (got "${received}")`}`;
      }),
    );
  }
  const env = parsed.data;
  const tlsEnabled = env.TEMPORAL_TLS || Boolean(env.TEMPORAL_TLS_CERT_PATH) || Boolean(env.TEMPORAL_API_KEY);
  return {
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    dataDir: path.resolve(env.STORELINK_DATA_DIR),
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX },
    encryptionKey: env.STORELINK_ENCRYPTION_KEY,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      tls: tlsEnabled
        ? {
            certPath: env.TEMPORAL_TLS_CERT_PATH,
            keyPath: env.TEMPORAL_TLS_KEY_PATH,
            caPath: env.TEMPORAL_TLS_CA_PATH,
            serverName: env.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: env.TEMPORAL_API_KEY,
    },
    worker: { maxCachedWorkflows: env.TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS },
    api: { host: env.API_HOST, port: env.API_PORT, bodyLimitBytes: env.API_BODY_LIMIT_BYTES },
    cli: {
      apiUrl: env.STORELINK_API_URL ?? `http://${env.API_HOST === '0.0.0.0' ? '127.0.0.1' : env.API_HOST}:${env.API_PORT}`,
      apiToken: env.STORELINK_API_TOKEN,
    },
    wms: env.WMS_WEBHOOK_URL && env.WMS_WEBHOOK_SECRET ? { url: env.WMS_WEBHOOK_URL, secret: env.WMS_WEBHOOK_SECRET, timeoutMs: env.WMS_WEBHOOK_TIMEOUT_MS } : null,
    webUiUrl: env.STORELINK_WEB_UI_URL,
    inventory: { coalesceMs: env.INVENTORY_COALESCE_MS },
  };
}

let loaded: Config | undefined;

/** The process's configuration, parsed from process.env on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
