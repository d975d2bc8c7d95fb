import type { Database } from '../db/client';
import { findConnection, type ConnectionRow } from '../db/repositories/connections';
import { ApiError } from './errors';

/** The connection a request names, or 404. */
export async function connectionRowOf(db: Database, id: string): Promise<ConnectionRow> {
  const row = await findConnection(db, id);
  if (!row) throw new ApiError(404, 'not_found', `no connection ${id}`);
  return row;
}

/** A connection whose workflows still run: a disconnected one ended for good (C-8), so 409. */
export async function liveConnectionRowOf(db: Database, id: string): Promise<ConnectionRow> {
  const row = await connectionRowOf(db, id);
  if (row.status === 'disconnected') throw new ApiError(409, 'conflict', `connection ${id} is disconnected; its data is kept for audit only`);
  return row;
}
