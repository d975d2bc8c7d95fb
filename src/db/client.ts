import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { migrationsFolder } from '../paths';
import * as schema from './schema';

/** One type above the driver: repositories and tests never know whether it is pg or PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** applies the committed drizzle migrations; safe to call from several processes at once */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax?: number }
  /** dataDir undefined: in memory (tests) */
  | { kind: 'pglite'; dataDir?: string };

export class DatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database ${dataDir} is open in another process (pid ${pid}, usually \`npm start\`). ` +
        'PGlite allows one process at a time: stop that process, go through the API, or set DATABASE_URL to a Postgres server.',
    );
    this.name = 'DatabaseLockedError';
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolMax ?? 10) : openPglite(target.dataDir);
}

async function openPostgres(url: string, poolMax: number): Promise<DatabaseHandle> {
  const { Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server (Postgres restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool, schema });
  return {
    db,
    driver: 'postgres',
    async migrate() {
      // Several API replicas may start together: one migrates, the others wait for it.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(7417001)');
        await migrate(drizzle({ client, schema }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock(7417001)').catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const releaseLock = dataDir ? acquireDirectoryLock(dataDir) : () => undefined;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
    const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
    const db = drizzle({ client, schema });
    return {
      db,
      driver: 'pglite',
      migrate: () => migrate(db, { migrationsFolder }),
      async close() {
        await client.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** PGlite corrupts a data folder opened by two processes; a pid lock file refuses the second. */
function acquireDirectoryLock(dataDir: string): () => void {
  const lockFile = `${path.resolve(dataDir)}.lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (holder && isAlive(holder)) throw new DatabaseLockedError(dataDir, holder);
      fs.rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** DATABASE_URL set → Postgres; unset → PGlite persisted in the data folder. */
export function databaseTargetFor(database: { url?: string; poolMax: number }, dataDir: string): DatabaseTarget {
  return database.url
    ? { kind: 'postgres', url: database.url, poolMax: database.poolMax }
    : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
}
