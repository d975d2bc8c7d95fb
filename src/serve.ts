import { Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from './activities';
import { buildApi } from './api/server';
import { connectClient } from './client';
import { config } from './config';
import { databaseTargetFor, openDatabase } from './db/client';
import { ensureDevToken } from './dev-token';
import { createLogger } from './logger';
import { resolveEncryptionKey } from './security/encryption-key';
import { createSecretBox } from './security/secret-box';
import { assertSearchAttributesRegistered } from './temporal/search-attribute-check';
import { connectWorkerConnection, createWorker } from './worker';

export type Role = 'api' | 'worker';

export interface ServeOptions {
  roles: Role[];
  /** embedded stack only: keep a dev API token in this file */
  devTokenFile?: string;
}

/**
 * Runs the API, the worker, or both in one process (the embedded stack needs both in one,
 * because PGlite admits a single process). SIGINT/SIGTERM stop intake first, then let in-flight
 * activities finish, then close connections.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const cfg = config();
  const log = createLogger(cfg, 'storelink');
  // Shutdown order is ours (API, then worker, then connections), not the SDK's default handler's.
  Runtime.install({ shutdownSignals: [] });

  const secrets = createSecretBox(resolveEncryptionKey(cfg.encryptionKey, cfg.dataDir, log));
  const database = await openDatabase(databaseTargetFor(cfg.database, cfg.dataDir));
  await database.migrate();
  const temporal = await connectClient(cfg.temporal);

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let closeWorkerConnection = async () => undefined as void;
  if (options.roles.includes('worker')) {
    await assertSearchAttributesRegistered(temporal.client);
    const connection = await connectWorkerConnection(cfg.temporal);
    closeWorkerConnection = () => connection.close();
    worker = await createWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      activities: createActivities({ db: database.db, secrets, log, temporal: temporal.client, taskQueue: cfg.temporal.taskQueue, wms: cfg.wms, inventoryCoalesceMs: cfg.inventory.coalesceMs }),
      maxCachedWorkflows: cfg.worker.maxCachedWorkflows,
    });
    workerRun = worker.run();
  }

  let api: FastifyInstance | undefined;
  if (options.roles.includes('api')) {
    api = await buildApi({ db: database.db, temporal: temporal.client, taskQueue: cfg.temporal.taskQueue, secrets, log, bodyLimitBytes: cfg.api.bodyLimitBytes, webUiUrl: cfg.webUiUrl, inventoryCoalesceMs: cfg.inventory.coalesceMs });
    await api.listen({ host: cfg.api.host, port: cfg.api.port });
  }
  if (options.devTokenFile) await ensureDevToken(database.db, options.devTokenFile);
  log.info({ roles: options.roles, database: database.driver, temporal: cfg.temporal.address }, 'Storelink is running');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason }, 'shutting down');
      await api?.close();
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch(() => undefined); // its failure is logged below
      await closeWorkerConnection();
      await temporal.close();
      await database.close();
      log.info('stopped');
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  // A worker that dies on its own takes the process down with it: a supervisor restarts it whole.
  if (workerRun) {
    await workerRun.catch((error: unknown) => {
      log.fatal({ err: error }, 'worker failed');
      process.exitCode = 1;
    });
  } else {
    await new Promise<void>((resolve) => api?.server.once('close', resolve));
  }
  await (stopping ?? stop('worker stopped'));
}
