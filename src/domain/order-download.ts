// The window an order download reads (OD-1, OD-11, C-3, C-9), pure: the caller passes `now`.
import type { ConnectionSettings } from './connection-settings';

export type OrdersDownloadMode =
  /** From the stored cursor minus the overlap window; commits the cursor (OD-1). */
  | { kind: 'incremental' }
  /** The whole lookback window (initial import C-3, nightly reconciliation C-9); commits the cursor too. */
  | { kind: 'lookback' }
  /** An operator's date range (OD-11); leaves the cursor alone. */
  | { kind: 'range'; updatedFrom: string; updatedTo: string };

export interface OrderWindowContext {
  now: Date;
  /** The committed cursor (newest channel updated-at stored), null before the first run. */
  highWater: Date | null;
  filters: Pick<ConnectionSettings['orderFilters'], 'lookbackDays' | 'overlapMinutes'>;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Incremental runs re-read `overlapMinutes` before the cursor: channel timestamps have second
 * precision and many ties, and a write can become visible after a later one was read, so the
 * overlap (deduped by channel updated-at) is what makes "never lost" hold. Without a cursor, and
 * for lookback runs, the window is the lookback period; never older than it either way.
 */
export function orderWindow(mode: OrdersDownloadMode, { now, highWater, filters }: OrderWindowContext): { updatedFrom: string; updatedTo: string } {
  if (mode.kind === 'range') return { updatedFrom: mode.updatedFrom, updatedTo: mode.updatedTo };
  const lookbackStart = now.getTime() - filters.lookbackDays * DAY_MS;
  const from = mode.kind === 'incremental' && highWater ? Math.max(lookbackStart, highWater.getTime() - filters.overlapMinutes * MINUTE_MS) : lookbackStart;
  return { updatedFrom: new Date(from).toISOString(), updatedTo: now.toISOString() };
}

/** What one download run did, per outcome of the intake. */
export interface OrdersDownloadCounts {
  pages: number;
  seen: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export const emptyOrderCounts = (): OrdersDownloadCounts => ({ pages: 0, seen: 0, imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

export function addOrderCounts(a: OrdersDownloadCounts, b: OrdersDownloadCounts): OrdersDownloadCounts {
  const sum = emptyOrderCounts();
  for (const key of Object.keys(sum) as (keyof OrdersDownloadCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}
