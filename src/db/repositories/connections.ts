import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { ConnectionSettings } from '../../domain/connection-settings';
import type { Database } from '../client';
import { connections } from '../schema';

export type ConnectionRow = typeof connections.$inferSelect;
export type NewConnection = Pick<typeof connections.$inferInsert, 'channel' | 'clientCode' | 'warehouseCode' | 'displayName' | 'active'> & {
  settings: ConnectionSettings;
};

/** The StoreName search attribute and the name in messages: display name, else the store's own (C-1). */
export function storeNameOf(row: ConnectionRow): string {
  return row.displayName ?? row.storeName ?? row.storeIdentity ?? row.id;
}

export class ConnectionNotFoundError extends Error {
  constructor(connectionId: string) {
    super(`no connection ${connectionId}`);
    this.name = 'ConnectionNotFoundError';
  }
}

export async function createConnection(db: Database, connection: NewConnection): Promise<ConnectionRow> {
  const [row] = await db.insert(connections).values({ ...connection, status: 'draft' }).returning();
  if (!row) throw new Error('connection insert returned no row');
  return row;
}

export async function getConnection(db: Database, connectionId: string): Promise<ConnectionRow> {
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  if (!row) throw new ConnectionNotFoundError(connectionId);
  return row;
}

export async function findConnection(db: Database, connectionId: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  return row;
}

export async function listConnections(db: Database): Promise<ConnectionRow[]> {
  return db.select().from(connections).orderBy(desc(connections.createdAt));
}

/** Another live (not disconnected) connection to the same store (C-7). */
export async function findLiveConnectionToStore(
  db: Database,
  channel: ConnectionRow['channel'],
  storeIdentity: string,
  exceptConnectionId: string,
): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.channel, channel),
        eq(connections.storeIdentity, storeIdentity),
        ne(connections.status, 'disconnected'),
        ne(connections.id, exceptConnectionId),
      ),
    );
  return row;
}

export async function recordStoreIdentity(db: Database, connectionId: string, storeIdentity: string, storeName: string): Promise<void> {
  await db.update(connections).set({ storeIdentity, storeName, updatedAt: sql`now()` }).where(eq(connections.id, connectionId));
}

export async function updateConnectionState(
  db: Database,
  connectionId: string,
  state: Pick<ConnectionRow, 'status' | 'statusReason' | 'active'>,
): Promise<void> {
  await db.update(connections).set({ ...state, updatedAt: sql`now()` }).where(eq(connections.id, connectionId));
}

export async function saveConnectionSettings(db: Database, connectionId: string, settings: ConnectionSettings): Promise<void> {
  await db.update(connections).set({ settings, updatedAt: sql`now()` }).where(eq(connections.id, connectionId));
}
