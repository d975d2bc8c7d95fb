import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../src/api/server';
import type { Database } from '../../src/db/client';
import { createSecretBox, type SecretBox } from '../../src/security/secret-box';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The real API on a real socket (port 0), so body limits and parsing are the server's own. */
export async function startTestApi(deps: { db: Database; temporal: Client; taskQueue: string; bodyLimitBytes?: number; secrets?: SecretBox; webUiUrl?: string; inventoryCoalesceMs?: number }): Promise<RunningApi> {
  const app = await buildApi({
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    secrets: deps.secrets ?? createSecretBox(crypto.randomBytes(32)),
    log: pino({ level: 'silent' }),
    bodyLimitBytes: deps.bodyLimitBytes ?? 1024 * 1024,
    webUiUrl: deps.webUiUrl ?? 'http://localhost:8233',
    inventoryCoalesceMs: deps.inventoryCoalesceMs,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('API did not bind a TCP port');
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
