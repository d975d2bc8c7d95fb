import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset pagination over (timestamptz, id). Postgres keeps microseconds and a JS Date only
 * milliseconds, so a cursor built from a row's Date would repeat or skip rows that share a
 * millisecond: the cursor carries the column as exact UTC text instead (the same on pg and PGlite).
 */
export const exactTimestamp = (column: PgColumn): SQL<string> => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface KeysetPosition<Id extends string | number> {
  /** from exactTimestamp */
  at: string;
  id: Id;
}
