// inventorySetQuantities batching (I-4, I-6): at most 250 quantities per call, each carrying the
// compare-and-swap `changeFromQuantity` (never null: opting out would hide a store that moved
// under us), and an `@idempotent` key derived from the push id and the exact content, so a
// retried activity replays instead of applying twice.
import { createHash } from 'node:crypto';
import type { InventoryItemOutcome, InventoryPush } from '../types';
import { MAX_PAGE_SIZE } from './documents';

export type PushQuantity = InventoryPush['quantities'][number];

export const INVENTORY_REASON = 'correction';

export function chunk<T>(items: readonly T[], size: number = MAX_PAGE_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function mutationInput(push: Pick<InventoryPush, 'name' | 'pushId'>, quantities: readonly PushQuantity[]): Record<string, unknown> {
  return {
    name: push.name,
    reason: INVENTORY_REASON,
    referenceDocumentUri: `storelink://inventory-push/${encodeURIComponent(push.pushId)}`,
    quantities: quantities.map((q) => ({
      inventoryItemId: q.channelInventoryItemId,
      locationId: q.channelLocationId,
      quantity: q.quantity,
      changeFromQuantity: q.changeFromQuantity,
    })),
  };
}

/** Same push id + same content → same key; anything different → a different key. */
export function idempotencyKey(pushId: string, input: Record<string, unknown>): string {
  const digest = createHash('sha256').update(pushId).update('\0').update(JSON.stringify(input)).digest('hex');
  return `storelink-inventory-${digest.slice(0, 48)}`;
}

export interface CodedUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/**
 * Per-item outcomes of a rejected all-or-nothing call. Items the channel named get their own
 * outcome; items it did not name were valid and only refused because the call failed as a
 * whole (`undefined` here), so the caller may send them again in a call of their own. An error
 * naming no item (e.g. a bad quantity name) rejects every item.
 */
export function outcomesOfRejectedCall(errors: readonly CodedUserError[], count: number): (InventoryItemOutcome | undefined)[] {
  const outcomes: (InventoryItemOutcome | undefined)[] = new Array<InventoryItemOutcome | undefined>(count).fill(undefined);
  for (const e of errors) {
    const index = e.field?.[0] === 'input' && e.field[1] === 'quantities' ? Number(e.field[2]) : NaN;
    const outcome: InventoryItemOutcome =
      e.code === 'CHANGE_FROM_QUANTITY_STALE'
        ? { status: 'stale', message: e.message }
        : { status: 'rejected', code: e.code, message: e.message };
    if (Number.isInteger(index) && index >= 0 && index < count) {
      outcomes[index] ??= outcome;
    } else {
      for (let i = 0; i < count; i++) outcomes[i] ??= outcome;
    }
  }
  return outcomes;
}
