import { and, eq, isNull, lt, ne, sql } from 'drizzle-orm';
import type { ChannelName } from '../../domain/capabilities';
import type { Database } from '../client';
import { connections, webhookReceipts } from '../schema';
import type { ConnectionRow } from './connections';

/** Inbound channel webhooks (OD-2): which connection a delivery is for, and one receipt per event. */

/** The live connection to a store (C-7 keeps it unique): the only one whose app secret may sign its webhooks. */
export async function findLiveConnectionByStore(db: Database, channel: ChannelName, storeIdentity: string): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.channel, channel), eq(connections.storeIdentity, storeIdentity), ne(connections.status, 'disconnected')));
  return row;
}

export interface WebhookReceiptInput {
  channel: ChannelName;
  eventId: string;
  topic: string;
  storeIdentity: string;
  connectionId: string;
}

/** A claim older than this that never got processed belongs to a request that died: the next delivery takes it over. */
const ABANDONED_CLAIM = sql`interval '1 minute'`;

/**
 * Claims an event for processing: the receipt id, or null when the event was seen before (a
 * duplicate delivery, which must change nothing). One statement, so of two racing deliveries
 * exactly one wins.
 */
export async function claimWebhookReceipt(db: Database, receipt: WebhookReceiptInput): Promise<string | null> {
  const [row] = await db
    .insert(webhookReceipts)
    .values(receipt)
    .onConflictDoUpdate({
      target: [webhookReceipts.channel, webhookReceipts.eventId],
      set: { receivedAt: sql`now()` },
      setWhere: and(isNull(webhookReceipts.processedAt), lt(webhookReceipts.receivedAt, sql`now() - ${ABANDONED_CLAIM}`)),
    })
    .returning({ id: webhookReceipts.id });
  return row?.id ?? null;
}

export async function markWebhookProcessed(db: Database, receiptId: string): Promise<void> {
  await db.update(webhookReceipts).set({ processedAt: sql`now()` }).where(eq(webhookReceipts.id, receiptId));
}

/** Gives a claim back when processing failed, so the channel's retry of the delivery is not taken for a duplicate. */
export async function releaseWebhookReceipt(db: Database, receiptId: string): Promise<void> {
  await db.delete(webhookReceipts).where(and(eq(webhookReceipts.id, receiptId), isNull(webhookReceipts.processedAt)));
}
