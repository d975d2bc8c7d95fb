import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { entityType, errorCategory, eventSeverity, integrationEvents, syncStream } from '../schema';

/**
 * The integration log (E-1) and error queue (E-2). An event with a group key is counted on the
 * one open row of that key (occurrences, last_seen_at) instead of being repeated.
 */

export interface IntegrationEventInput {
  connectionId: string | null;
  stream: (typeof syncStream.enumValues)[number] | null;
  entityType: (typeof entityType.enumValues)[number];
  entityId: string | null;
  severity: (typeof eventSeverity.enumValues)[number];
  category?: (typeof errorCategory.enumValues)[number] | null;
  code: string;
  /** For a person: what happened and what to do about it. */
  message: string;
  details?: Record<string, unknown>;
  /** Same cause → same key (E-2). Omit for one-off events such as run summaries. */
  groupKey?: string | null;
}

export async function recordEvent(db: Database, event: IntegrationEventInput): Promise<void> {
  const values = { ...event, category: event.category ?? null, details: event.details ?? {}, groupKey: event.groupKey ?? null };
  if (!values.groupKey) {
    await db.insert(integrationEvents).values(values);
    return;
  }
  await db
    .insert(integrationEvents)
    .values(values)
    .onConflictDoUpdate({
      target: integrationEvents.groupKey,
      targetWhere: isNull(integrationEvents.resolvedAt),
      set: {
        occurrences: sql`${integrationEvents.occurrences} + 1`,
        lastSeenAt: sql`now()`,
        message: sql`excluded.message`,
        details: sql`excluded.details`,
      },
    });
}

/** Marks the open events of these groups resolved (the cause went away, e.g. the item got a SKU). */
export async function resolveEventGroups(db: Database, groupKeys: readonly string[]): Promise<number> {
  if (groupKeys.length === 0) return 0;
  const rows = await db
    .update(integrationEvents)
    .set({ resolvedAt: sql`now()` })
    .where(and(inArray(integrationEvents.groupKey, [...groupKeys]), isNull(integrationEvents.resolvedAt)))
    .returning({ id: integrationEvents.id });
  return rows.length;
}

/** When the connection last logged `code` (e.g. a completed download), or null. */
export async function lastEventAt(db: Database, connectionId: string, code: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: integrationEvents.createdAt })
    .from(integrationEvents)
    .where(and(eq(integrationEvents.connectionId, connectionId), eq(integrationEvents.code, code)))
    .orderBy(desc(integrationEvents.createdAt))
    .limit(1);
  return row?.at ?? null;
}

export async function listEvents(db: Database, connectionId: string) {
  return db.select().from(integrationEvents).where(eq(integrationEvents.connectionId, connectionId)).orderBy(integrationEvents.id);
}
