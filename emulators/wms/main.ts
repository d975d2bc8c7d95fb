// Runs the WMS simulator standalone (demo, benchmarks), configured from the environment:
// WMS_WEBHOOK_SECRET (required: the secret Storelink signs its outbound webhooks with),
// WMS_SIMULATOR_PORT (default 8702), WMS_SIMULATOR_HOST (default 127.0.0.1), STORELINK_API_URL,
// STORELINK_API_TOKEN or STORELINK_API_TOKEN_FILE (read at every post, because `npm start`
// writes the dev token only after Storelink is up), WMS_SIMULATOR_PROGRESS_DELAY_MS (default
// 2000) and WMS_SIMULATOR_SHIP_DELAY_MS (default 8000).
import fs from 'node:fs';
import { z } from 'zod';
import { startWmsSimulator } from './server';
import { DEFAULT_SIMULATOR_CONFIG } from './store';

const delayMs = (fallback: number) => z.coerce.number({ error: 'expected milliseconds' }).int('expected a whole number').min(0, 'expected 0 or more').default(fallback);

const envSchema = z.object({
  WMS_WEBHOOK_SECRET: z.string({ error: 'required: the secret Storelink signs its outbound webhooks with' }).min(1),
  WMS_SIMULATOR_PORT: z.coerce.number({ error: 'expected a TCP port number' }).int().min(1).max(65535, 'expected a port between 1 and 65535').default(8702),
  WMS_SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  STORELINK_API_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional(),
  STORELINK_API_TOKEN: z.string().min(1).optional(),
  STORELINK_API_TOKEN_FILE: z.string().min(1).optional(),
  WMS_SIMULATOR_PROGRESS_DELAY_MS: delayMs(DEFAULT_SIMULATOR_CONFIG.progressDelayMs),
  WMS_SIMULATOR_SHIP_DELAY_MS: delayMs(DEFAULT_SIMULATOR_CONFIG.shipDelayMs),
});

/** The token file's content, or undefined while it does not exist yet. */
function tokenFromFile(file: string): () => string | undefined {
  return () => {
    try {
      return fs.readFileSync(file, 'utf8').trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

async function main(): Promise<void> {
  // An empty variable counts as unset, as in src/config.ts.
  const source = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
    throw new Error(`WMS simulator: invalid configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  const tokenFile = env.STORELINK_API_TOKEN_FILE;
  const simulator = await startWmsSimulator({
    port: env.WMS_SIMULATOR_PORT,
    host: env.WMS_SIMULATOR_HOST,
    secret: env.WMS_WEBHOOK_SECRET,
    storelinkUrl: env.STORELINK_API_URL,
    apiToken: env.STORELINK_API_TOKEN ?? (tokenFile === undefined ? undefined : tokenFromFile(tokenFile)),
    progressDelayMs: env.WMS_SIMULATOR_PROGRESS_DELAY_MS,
    shipDelayMs: env.WMS_SIMULATOR_SHIP_DELAY_MS,
    logger: true,
  });
  console.log(`WMS simulator listening on ${simulator.url}: webhooks at ${simulator.webhookUrl}, admin API at ${simulator.url}/_admin`);
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
