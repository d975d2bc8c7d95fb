// Activities of the inventory loop and its reconcile (SPEC §7): compute what each dirty listing
// should show (domain/inventory-targets), send only what differs from what the store shows, with
// the compare-and-swap base we last read or pushed (I-4), ≤ 250 per mutation at the pace of the
// store's cost bucket (I-6), and settle the listings the push covered. A listing stays dirty
// until a push settles it, so a failed or throttled call loses nothing.
import { activityInfo, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { type ChannelAdapter, isChannelError, PermanentError } from '../channels';
import type { Database } from '../db/client';
import type { ConnectionRow } from '../db/repositories/connections';
import { recordEvent } from '../db/repositories/integration-events';
import {
  deferListings,
  dirtyBacklog,
  dirtyListings,
  loadInventoryFacts,
  markListingsDirty,
  pushBasesOf,
  recordStock,
  settleListings,
  type ListingRowForPush,
  type StockWrite,
} from '../db/repositories/inventory';
import { listListings } from '../db/repositories/listings';
import type { InventoryDrift, InventoryReconcileSummary } from '../definitions';
import { supports } from '../domain/capabilities';
import type { ConnectionSettings } from '../domain/connection-settings';
import { describeQuantity, planPush, type PushCandidate } from '../domain/inventory';
import { inventorySyncSettings, type InventorySyncSettings, listingTargets, type LocationTarget } from '../domain/inventory-targets';
import { triggerConnectionSchedules } from '../temporal/schedules';
import { wakeConnections } from '../temporal/inventory-workflows';
import type { InventoryActivities, InventoryPushOutcome } from '../workflows/inventory';
import type { InventoryReconcileActivities } from '../workflows/inventory-reconcile';
import { channelAdapterFor, loadConnection, type ChannelAdapterDeps } from './channel-adapter';
import { toActivityFailure } from './channel-failures';
import { storedSettings, storeNameOf } from './connection-context';

export interface InventoryActivityDeps extends ChannelAdapterDeps {
  db: Database;
  log: Logger;
  temporal: Client;
  taskQueue: string;
  inventoryCoalesceMs?: number;
  /** I-4: how long a listing whose push was stale waits for pending orders (default 30 s) */
  inventoryStaleRetryMs?: number;
}

/** Listings per activity call: 10,000 quantities at one location is 40 mutations, ~4 s of a standard bucket. */
const LISTINGS_PER_CALL = 10_000;
/** Items per read query (Shopify's `first` maximum). */
const ITEMS_PER_READ = 250;
/** I-4: after a stale push, time for the order that moved the store to be downloaded before we push again. */
const STALE_RETRY_MS = 30_000;
/** Examples of drift kept in the reconcile summary and event. */
const DRIFT_EXAMPLES = 10;
/** A THROTTLED wait stays well inside the activities' heartbeat timeout. */
const ADAPTER_TUNING = { maxThrottleWaitMs: 30_000 };

interface Evaluated {
  listing: ListingRowForPush;
  targets: LocationTarget[];
}

export function createInventoryActivities(deps: InventoryActivityDeps): InventoryActivities & InventoryReconcileActivities {
  const { db } = deps;

  /** Why this connection pushes nothing now, or null when it syncs. */
  function notSyncing(connection: ConnectionRow, settings: ConnectionSettings): Exclude<InventoryPushOutcome, { kind: 'pushed' }> | null {
    if (!settings.syncInventory || !supports(connection.channel, 'inventorySync')) {
      return { kind: 'sync_off', reason: `inventory sync is off for ${storeNameOf(connection)}` };
    }
    if (connection.status !== 'completed' || !connection.active) {
      return { kind: 'paused', reason: connection.active ? `connection is ${connection.status}` : 'connection is inactive', backlog: { ready: 0, waiting: 0, nextRetryInMs: null } };
    }
    return null;
  }

  async function evaluate(listings: readonly ListingRowForPush[], settings: InventorySyncSettings): Promise<Evaluated[]> {
    const productIds = listings.flatMap((l) => (l.productId ? [l.productId] : []));
    const facts = await loadInventoryFacts(db, productIds);
    return listings.map((listing) => ({ listing, targets: listingTargets(listing, settings, facts) }));
  }

  return {
    async pushDirtyInventory({ connectionId }) {
      const connection = await loadConnection(db, connectionId);
      const settings = storedSettings(connection);
      const halted = notSyncing(connection, settings);
      if (halted) return halted.kind === 'paused' ? { ...halted, backlog: await dirtyBacklog(db, connectionId) } : halted;
      const sync = inventorySyncSettings(connection.channel, settings);

      const claimed = await dirtyListings(db, connectionId, LISTINGS_PER_CALL);
      const evaluated = await evaluate(claimed, sync);
      const report = { examined: 0, pushed: 0, unchanged: 0, skipped: 0, stale: 0, rejected: 0, mutations: 0 };

      // Candidates per location: one per synced (listing, location).
      const byKey = new Map<string, { listing: ListingRowForPush; target: Extract<LocationTarget, { decision: object }> }>();
      for (const e of evaluated) {
        for (const t of e.targets) {
          report.examined++;
          if (t.skip) report.skipped++;
          else byKey.set(`${e.listing.id}|${t.channelLocationId}`, { listing: e.listing, target: t });
        }
      }
      const stored = new Map((await pushBasesOf(db, claimed.map((l) => l.id))).map((s) => [`${s.listingId}|${s.channelLocationId}`, s]));
      const channelQuantity = new Map([...stored].map(([key, s]) => [key, s.channelQuantity]));
      const candidates = (): PushCandidate[] =>
        [...byKey].map(([key, { listing, target }]) => ({
          key,
          channelInventoryItemId: listing.channelInventoryItemId!,
          channelLocationId: target.channelLocationId,
          target: target.decision.quantity,
          lastPushed: stored.get(key)?.lastPushedQuantity ?? null,
          channelQuantity: channelQuantity.get(key) ?? null,
        }));

      const adapter = byKey.size > 0 ? await channelAdapterFor(deps, connection, ADAPTER_TUNING) : null;
      const deferred = new Set<string>();
      try {
        let plan = planPush(candidates());
        if (plan.needsRead.length > 0 && adapter) {
          // I-4: no compare-and-swap base yet: read the store first (first push of an item).
          const reads = await readStore(adapter, plan.needsRead, sync.method);
          for (const w of reads) channelQuantity.set(`${w.listingId}|${w.channelLocationId}`, w.quantity);
          await recordStock(db, reads);
          for (const item of plan.needsRead) if ((channelQuantity.get(item.key) ?? null) === null) notStocked(item.key);
          plan = planPush(candidates());
        }
        report.unchanged = plan.unchanged.length;
        // Stable across retries of this call, so a retried mutation with the same content replays (I-4).
        const info = activityInfo();
        const pushId = `${info.workflowExecution?.workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
        const stale: PushCandidate[] = [];
        // What a batch did is written while the next batch is sent (and waits for the bucket), so
        // the writes add nothing to the push's time; one batch's writes at most are in flight,
        // and they land in order.
        let recording: Promise<void> = Promise.resolve();
        for (const [index, batch] of plan.batches.entries()) {
          const sending = adapter!.pushInventory!({
            name: sync.method,
            pushId: `${pushId}/${index}`,
            quantities: batch.map((q) => ({ channelInventoryItemId: q.channelInventoryItemId, channelLocationId: q.channelLocationId, quantity: q.quantity, changeFromQuantity: q.changeFromQuantity })),
          });
          sending.catch(() => undefined); // awaited below, after the previous batch's writes
          await recording;
          const result = await sending;
          report.mutations += result.mutations;
          const writes: StockWrite[] = [];
          for (const [i, item] of result.items.entries()) {
            const planned = batch[i]!;
            const { listing, target } = byKey.get(planned.key)!;
            if (item.outcome.status === 'applied') {
              report.pushed++;
              writes.push({ kind: 'pushed', listingId: listing.id, channelLocationId: planned.channelLocationId, quantity: planned.quantity, inputs: { formula: describeQuantity(target.decision), decision: target.decision } });
            } else if (item.outcome.status === 'stale') {
              report.stale++;
              stale.push({ key: planned.key, channelInventoryItemId: planned.channelInventoryItemId, channelLocationId: planned.channelLocationId, target: planned.quantity, lastPushed: null, channelQuantity: null });
            } else {
              report.rejected++;
              await recordEvent(db, {
                connectionId,
                stream: 'inventory',
                entityType: 'listing',
                entityId: listing.id,
                severity: 'error',
                category: 'data',
                code: 'inventory_push_rejected',
                message: `the store refused quantity ${planned.quantity} for ${listing.channelSku ?? listing.channelItemId} at ${planned.channelLocationId}: ${item.outcome.message}`,
                details: { channelInventoryItemId: planned.channelInventoryItemId, channelLocationId: planned.channelLocationId, code: item.outcome.code },
                groupKey: `inventory:push-rejected:${listing.id}:${planned.channelLocationId}`,
              });
            }
          }
          recording = recordStock(db, writes);
          recording.catch(() => undefined); // awaited before the next batch's result, or just below
          heartbeat({ batch: index + 1, of: plan.batches.length });
        }
        await recording;
        if (stale.length > 0) {
          // I-4: the store moved under us (typically an order we have not imported yet): learn
          // its quantity, let pending orders land, then recompute and push again.
          const reread = await readStore(adapter!, stale, sync.method);
          await recordStock(db, reread);
          const shown = new Map(reread.map((r) => [`${r.listingId}|${r.channelLocationId}`, r.quantity]));
          // The store may already show what we wanted (an order we imported meanwhile); only the rest waits.
          for (const s of stale) if (shown.get(s.key) !== s.target) deferred.add(byKey.get(s.key)!.listing.id);
          await deferListings(db, [...deferred], deps.inventoryStaleRetryMs ?? STALE_RETRY_MS);
          await recordEvent(db, {
            connectionId,
            stream: 'inventory',
            entityType: 'inventory',
            entityId: connectionId,
            severity: 'info',
            code: 'inventory_push_stale',
            message: `${stale.length} quantit${stale.length === 1 ? 'y' : 'ies'} changed on the store since we last read them; re-read, and pushed again after pending orders are downloaded`,
            details: { items: stale.slice(0, 20).map((s) => s.key) },
          });
          await askForOrders(connectionId);
        }
      } catch (error) {
        throw isChannelError(error) ? toActivityFailure(error) : error;
      }

      await settleListings(
        db,
        evaluated
          .filter((e) => !deferred.has(e.listing.id))
          .map((e) => ({ listingId: e.listing.id, generation: e.listing.inventoryDirtyGeneration, skipReason: e.targets.every((t) => t.skip) ? e.targets[0]!.skip!.reason : null })),
      );
      return { kind: 'pushed', report: { at: new Date().toISOString(), ...report }, backlog: await dirtyBacklog(db, connectionId) };

      function notStocked(key: string): void {
        // The item is not stocked at the location on the store: nothing to set there.
        byKey.delete(key);
        report.skipped++;
      }
    },

    async reconcileInventory({ connectionId }): Promise<InventoryReconcileSummary> {
      const connection = await loadConnection(db, connectionId);
      const settings = storedSettings(connection);
      const halted = notSyncing(connection, settings);
      if (halted) return { connectionId, state: 'skipped', reason: halted.reason, read: 0, drifted: 0, examples: [] };
      const sync = inventorySyncSettings(connection.channel, settings);
      const adapter = await channelAdapterFor(deps, connection, ADAPTER_TUNING);

      let read = 0;
      const drift: InventoryDrift[] = [];
      const driftedListings = new Set<string>();
      let after: string | undefined;
      for (;;) {
        const page = await listListings(db, { connectionId, linked: true, limit: ITEMS_PER_READ, afterChannelItemId: after });
        if (page.length === 0) break;
        after = page[page.length - 1]!.channelItemId;
        const evaluated = await evaluate(page, sync);
        const synced = evaluated.flatMap((e) => e.targets.filter((t) => !t.skip).map((t) => ({ listing: e.listing, target: t })));
        const writes: StockWrite[] = [];
        for (const location of new Set(synced.map((s) => s.target.channelLocationId))) {
          const here = synced.filter((s) => s.target.channelLocationId === location);
          const store = await readItemsAt(adapter, location, [...new Set(here.map((s) => s.listing.channelInventoryItemId!))], sync.method);
          for (const { listing, target } of here) {
            const shown = store.get(listing.channelInventoryItemId!);
            if (shown === undefined) continue; // not stocked at that location on the store
            read++;
            writes.push({ kind: 'read', listingId: listing.id, channelLocationId: location, quantity: shown });
            if (shown !== target.decision!.quantity) {
              driftedListings.add(listing.id);
              drift.push({ sku: listing.channelSku ?? listing.channelItemId, channelLocationId: location, channel: shown, expected: target.decision!.quantity });
            }
          }
        }
        await recordStock(db, writes);
        heartbeat({ after });
        if (page.length < ITEMS_PER_READ) break;
      }

      if (driftedListings.size > 0) {
        await markListingsDirty(db, [...driftedListings]);
        await wakeConnections(deps, [connectionId], `reconcile found ${drift.length} drifted quantities`);
      }
      const summary: InventoryReconcileSummary = { connectionId, state: 'completed', reason: null, read, drifted: drift.length, examples: drift.slice(0, DRIFT_EXAMPLES) };
      await recordEvent(db, {
        connectionId,
        stream: 'inventory',
        entityType: 'inventory',
        entityId: connectionId,
        severity: drift.length > 0 ? 'warning' : 'info',
        code: drift.length > 0 ? 'inventory_drift_corrected' : 'inventory_reconciled',
        message:
          drift.length > 0
            ? `reconcile read ${read} quantities; ${drift.length} differed from what the store should show and are being corrected (e.g. ${drift[0]!.sku}: store showed ${drift[0]!.channel}, should be ${drift[0]!.expected})`
            : `reconcile read ${read} quantities; all matched`,
        details: { read, drifted: drift.length, examples: summary.examples },
      });
      return summary;
    },
  };

  async function readStore(adapter: ChannelAdapter, items: readonly PushCandidate[], name: InventorySyncSettings['method']): Promise<Extract<StockWrite, { kind: 'read' }>[]> {
    const out: Extract<StockWrite, { kind: 'read' }>[] = [];
    for (const location of new Set(items.map((i) => i.channelLocationId))) {
      const here = items.filter((i) => i.channelLocationId === location);
      const quantities = await readItemsAt(adapter, location, [...new Set(here.map((i) => i.channelInventoryItemId))], name);
      for (const item of here) {
        const quantity = quantities.get(item.channelInventoryItemId);
        if (quantity !== undefined) out.push({ kind: 'read', listingId: item.key.split('|')[0]!, channelLocationId: location, quantity });
      }
    }
    return out;
  }

  async function readItemsAt(adapter: ChannelAdapter, location: string, itemIds: string[], name: InventorySyncSettings['method']): Promise<Map<string, number>> {
    if (!adapter.readInventoryItems) throw new PermanentError(`${adapter.channel} cannot read inventory`);
    const out = new Map<string, number>();
    for (let i = 0; i < itemIds.length; i += ITEMS_PER_READ) {
      for (const r of await adapter.readInventoryItems(location, itemIds.slice(i, i + ITEMS_PER_READ), [name])) {
        const quantity = r.quantities[name];
        if (quantity !== undefined) out.set(r.channelInventoryItemId, quantity);
      }
      heartbeat();
    }
    return out;
  }

  /** I-4: the order that moved the store is downloaded now rather than at the next interval. */
  async function askForOrders(connectionId: string): Promise<void> {
    try {
      await triggerConnectionSchedules(deps.temporal, connectionId, ['orders']);
    } catch (error) {
      deps.log.warn({ connectionId, error: String(error) }, 'could not trigger an order download after a stale inventory push');
    }
  }
}
