import crypto from 'node:crypto';
import { Client } from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, type Database, type DatabaseHandle } from '../../src/db/client';

/**
 * A migrated database of this test file's own: PGlite in memory when DATABASE_URL is unset,
 * otherwise a fresh database on that Postgres server, dropped again by close().
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDatabase({ kind: 'pglite' });
    await handle.migrate();
    return handle;
  }
  const name = `storelink_test_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 4 });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The Postgres error a drizzle query failed with (drizzle wraps driver errors). */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return cause as { code?: string; constraint?: string };
}

/** Rows of a raw SQL query; both drivers return `{ rows }` (the shared Database type cannot say so). */
export async function queryRows<T>(db: Database, query: SQL | string): Promise<T[]> {
  const result = (await db.execute(typeof query === 'string' ? sql.raw(query) : query)) as unknown as { rows: T[] };
  return result.rows;
}
