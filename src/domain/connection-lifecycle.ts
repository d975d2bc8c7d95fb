import type { ChannelName } from './capabilities';

/**
 * The connection state machine of SPEC §3: draft → validating → importing → completed, with the
 * side states action_required, import_failed and disconnected (terminal). `active` is separate.
 */

export const CONNECTION_STATUSES = ['draft', 'validating', 'importing', 'completed', 'action_required', 'import_failed', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** The streams a connection syncs, each with its own Temporal Schedule (C-9). */
export const SYNC_STREAMS = ['products', 'orders', 'inventory_reconcile', 'order_reconciliation'] as const;
export type SyncStream = (typeof SYNC_STREAMS)[number];

export interface ImportProgress {
  products: { done: number; total: number | null; finished: boolean };
  orders: { done: number; total: number | null; finished: boolean };
}

export interface ConnectionView {
  connectionId: string;
  channel: ChannelName;
  /** display name if set, else the store's own name (C-1); what the StoreName search attribute shows */
  displayName: string | null;
  status: ConnectionStatus;
  active: boolean;
  /** the store's own name once credentials were validated (C-1) */
  storeName: string | null;
  /** why the connection needs action or failed, in the channel's words where it gave them */
  statusReason: string | null;
  /** credentials passed validation at least once since the last rotation */
  credentialsValid: boolean;
  /** the initial import finished once: schedules exist, and recovery returns to completed */
  setupCompleted: boolean;
  importProgress: ImportProgress;
}

export const emptyImportProgress = (): ImportProgress => ({
  products: { done: 0, total: null, finished: false },
  orders: { done: 0, total: null, finished: false },
});

/** Only an active, completed connection syncs (C-4). */
export function syncsNow(view: Pick<ConnectionView, 'status' | 'active'>): boolean {
  return view.active && view.status === 'completed';
}

/** Why `finish` cannot run now, or null when it can (C-3). */
export function finishBlockedBecause(view: ConnectionView): string | null {
  if (view.status === 'draft' && view.credentialsValid) return null;
  if (view.status === 'import_failed') return null; // finishing again retries the import
  if (view.status === 'action_required') return `connection needs action first: ${view.statusReason ?? 'credentials are invalid'}`;
  if (view.status === 'validating') return 'credentials are still being validated';
  return `setup is already ${view.status}`;
}

/** One line for the Web UI's current details. */
export function describeConnection(view: ConnectionView): string {
  const parts = [`${view.status}${view.active ? '' : ' (inactive)'}`];
  const name = view.displayName ?? view.storeName;
  if (name) parts.push(name);
  const { products, orders } = view.importProgress;
  if (view.status === 'importing' || products.done > 0 || orders.done > 0) {
    parts.push(`products ${products.done}${products.total === null ? '' : `/${products.total}`}`);
    parts.push(`open orders ${orders.done}${orders.total === null ? '' : `/${orders.total}`}`);
  }
  if (view.statusReason && (view.status === 'action_required' || view.status === 'import_failed')) parts.push(view.statusReason);
  return parts.join(' · ');
}
