import { connectClient } from '../client';
import type { Config } from '../config';
import { databaseTargetFor, openDatabase } from '../db/client';
import { checkDatabase, checkTemporal, checkWorker, type ComponentStatus } from '../health';

/**
 * Every component's reachability. Database and Temporal are asked through the API's /readyz when
 * the API answers (the embedded database admits one process: the API's); directly otherwise.
 * Workers are seen through Temporal's task-queue pollers.
 */
export async function collectStatus(cfg: Config): Promise<ComponentStatus[]> {
  const api = await fetchJson(`${cfg.cli.apiUrl}/healthz`);
  const apiStatus: ComponentStatus = api.ok
    ? { component: 'api', ok: true, detail: `answering at ${cfg.cli.apiUrl}` }
    : { component: 'api', ok: false, detail: `${cfg.cli.apiUrl}: ${api.problem}` };

  const viaApi = api.ok ? await readinessFromApi(cfg.cli.apiUrl) : undefined;
  const database = viaApi?.find((c) => c.component === 'database') ?? (await checkDatabaseDirectly(cfg));
  const temporalComponents = await checkTemporalDirectly(cfg);
  return [apiStatus, database, ...temporalComponents];
}

async function readinessFromApi(apiUrl: string): Promise<ComponentStatus[] | undefined> {
  const ready = await fetchJson(`${apiUrl}/readyz`);
  const body = ready.body as { components?: ComponentStatus[]; error?: { details?: { components?: ComponentStatus[] } } } | undefined;
  return body?.components ?? body?.error?.details?.components;
}

async function checkDatabaseDirectly(cfg: Config): Promise<ComponentStatus> {
  try {
    const handle = await openDatabase(databaseTargetFor(cfg.database, cfg.dataDir));
    try {
      return await checkDatabase(handle.db);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { component: 'database', ok: false, detail: (error as Error).message };
  }
}

async function checkTemporalDirectly(cfg: Config): Promise<ComponentStatus[]> {
  let connected;
  try {
    connected = await connectClient(cfg.temporal);
  } catch (error) {
    const detail = `${cfg.temporal.address}: ${(error as Error).message}`;
    return [
      { component: 'temporal', ok: false, detail },
      { component: 'worker', ok: false, detail: 'unknown: Temporal is unreachable' },
    ];
  }
  try {
    const temporal = await checkTemporal(connected.client);
    const worker = temporal.ok
      ? await checkWorker(connected.client, cfg.temporal.taskQueue)
      : { component: 'worker' as const, ok: false, detail: 'unknown: Temporal is unreachable' };
    return [temporal, worker];
  } finally {
    await connected.close();
  }
}

async function fetchJson(url: string): Promise<{ ok: boolean; body?: unknown; problem?: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    const body: unknown = await response.json().catch(() => undefined);
    return { ok: response.ok, body, problem: response.ok ? undefined : `HTTP ${response.status}` };
  } catch (error) {
    // fetch hides the reason in its cause ("fetch failed" alone helps nobody)
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const problem = cause?.code === 'ECONNREFUSED' ? 'connection refused' : (cause?.message ?? (error as Error).message);
    return { ok: false, problem };
  }
}

export function formatStatus(components: ComponentStatus[]): string {
  return components
    .map((c) => `${c.component.padEnd(9)} ${(c.ok ? 'up' : 'DOWN').padEnd(5)} ${c.detail}`)
    .join('\n');
}
