import { and, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { entityType, errorCategory, eventSeverity, integrationEvents } from '../schema';
import { exactTimestamp, type KeysetPosition } from './keyset';

/** Read side of the integration log (E-1) and its error queue (E-3): filtered lists, one entry, resolve. */

export type IntegrationEventRow = typeof integrationEvents.$inferSelect;
export type ListedEvent = IntegrationEventRow & { cursorAt: string };

export interface EventListFilter {
  connectionId?: string;
  severity?: (typeof eventSeverity.enumValues)[number];
  category?: (typeof errorCategory.enumValues)[number];
  code?: string;
  entityType?: (typeof entityType.enumValues)[number];
  entityId?: string;
  /** undefined: both */
  resolved?: boolean;
  limit: number;
  after?: KeysetPosition<number>;
}

/** Most recently seen first: a grouped error that keeps happening stays at the top (E-2). */
export async function listIntegrationEvents(db: Database, filter: EventListFilter): Promise<ListedEvent[]> {
  const e = integrationEvents;
  const where: (SQL | undefined)[] = [
    filter.connectionId ? eq(e.connectionId, filter.connectionId) : undefined,
    filter.severity ? eq(e.severity, filter.severity) : undefined,
    filter.category ? eq(e.category, filter.category) : undefined,
    filter.code ? eq(e.code, filter.code) : undefined,
    filter.entityType ? eq(e.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(e.entityId, filter.entityId) : undefined,
    filter.resolved === undefined ? undefined : filter.resolved ? isNotNull(e.resolvedAt) : isNull(e.resolvedAt),
    filter.after ? sql`(${e.lastSeenAt}, ${e.id}) < (${filter.after.at}::timestamptz, ${filter.after.id}::bigint)` : undefined,
  ];
  const rows = await db
    .select({ event: e, cursorAt: exactTimestamp(e.lastSeenAt) })
    .from(e)
    .where(and(...where))
    .orderBy(desc(e.lastSeenAt), desc(e.id))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r.event, cursorAt: r.cursorAt }));
}

export async function findIntegrationEvent(db: Database, id: number): Promise<IntegrationEventRow | undefined> {
  const [row] = await db.select().from(integrationEvents).where(eq(integrationEvents.id, id));
  return row;
}

/** Marks one entry resolved; resolving again keeps the first time. Undefined when there is no such entry. */
export async function resolveIntegrationEvent(db: Database, id: number): Promise<IntegrationEventRow | undefined> {
  const [row] = await db
    .update(integrationEvents)
    .set({ resolvedAt: sql`coalesce(${integrationEvents.resolvedAt}, now())` })
    .where(eq(integrationEvents.id, id))
    .returning();
  return row;
}
