import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { syncCursors, syncStream } from '../schema';

/** Per (connection, stream) high-water marks of incremental downloads (P-8, OD-1). */

export type SyncStream = (typeof syncStream.enumValues)[number];

export async function readHighWater(db: Database, connectionId: string, stream: SyncStream): Promise<Date | null> {
  const [row] = await db
    .select({ highWaterAt: syncCursors.highWaterAt })
    .from(syncCursors)
    .where(and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.stream, stream)));
  return row?.highWaterAt ?? null;
}

/**
 * Moves the mark forward, never back: call it inside the transaction that committed the data
 * it covers, so the cursor can never run ahead of what is stored.
 */
export async function advanceHighWater(db: Database, connectionId: string, stream: SyncStream, at: Date): Promise<void> {
  await db
    .insert(syncCursors)
    .values({ connectionId, stream, highWaterAt: at })
    .onConflictDoUpdate({
      target: [syncCursors.connectionId, syncCursors.stream],
      set: {
        highWaterAt: sql`greatest(${syncCursors.highWaterAt}, excluded.high_water_at)`,
        updatedAt: sql`now()`,
      },
    });
}
