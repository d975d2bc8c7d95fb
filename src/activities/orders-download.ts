// Activities of ordersDownloadWorkflow and orderRefreshWorkflow (SPEC §5): work out the window,
// read pages of orders and take each one through the shared intake, commit the cursor only after
// the page's orders are stored (OD-1), re-read single orders by id (OD-2, OD-11), and write the
// run's summary (E-1). A page call heartbeats its position so a retry resumes where it stopped.
import { Context } from '@temporalio/activity';
import pLimit from 'p-limit';
import { z } from 'zod';
import { PermanentError, type ChannelOrder } from '../channels';
import { recordEvent, resolveEventGroups } from '../db/repositories/integration-events';
import { clientSyncsInventory } from '../db/repositories/inventory';
import { advanceHighWater, readHighWater } from '../db/repositories/sync-cursors';
import type { OrdersDownloadCounts, OrdersDownloadMode } from '../definitions';
import { addOrderCounts, emptyOrderCounts, orderWindow } from '../domain/order-download';
import { wakeConnections } from '../temporal/inventory-workflows';
import type { OrderPagesInput, OrderPagesResult, OrdersDownloadActivities, OrdersDownloadStart } from '../workflows/orders-download';
import { channelAdapterFor, loadConnection, type ChannelAdapterDeps } from './channel-adapter';
import { toActivityFailure } from './channel-failures';
import { storedSettings, storeNameOf } from './connection-context';
import { createOrderIntake, type ConnectionIntake, type IntakeDeps, type IntakeOutcome } from './order-intake';

export type OrdersDownloadDeps = IntakeDeps &
  ChannelAdapterDeps & {
    /** Wall-clock budget of one downloadOrderPages call (default 60 s), well inside its timeouts. */
    pagesBudgetMs?: number;
  };

/** Orders of one page taken at once; bounded so the database pool and the channel bucket are not flooded. */
const INTAKE_CONCURRENCY = 8;

/** One channel call may wait this long for its cost bucket before failing as throttled (then retried). */
const MAX_THROTTLE_WAIT_MS = 20_000;

const countsSchema = z.object({ pages: z.number(), seen: z.number(), imported: z.number(), updated: z.number(), unchanged: z.number(), skipped: z.number(), failed: z.number() });
const heartbeatSchema = z.object({ cursor: z.string().nullable(), counts: countsSchema });

function count(counts: OrdersDownloadCounts, outcome: IntakeOutcome): void {
  counts.seen++;
  counts[outcome]++;
}

/** E-4: a stalled download is an error; the group resolves once a run completes again. */
export const staleDownloadGroupKey = (connectionId: string) => `orders:download-stalled:${connectionId}`;

export function createOrdersDownloadActivities(deps: OrdersDownloadDeps) {
  const intake = createOrderIntake(deps);

  async function connectionIntake(connectionId: string): Promise<ConnectionIntake> {
    const connection = await loadConnection(deps.db, connectionId);
    const adapter = await channelAdapterFor(deps, connection, { maxThrottleWaitMs: MAX_THROTTLE_WAIT_MS });
    return {
      connection,
      settings: storedSettings(connection),
      storeName: storeNameOf(connection),
      adapter,
      clientSyncsInventory: await clientSyncsInventory(deps.db, connection.clientCode),
      inventoryToWake: new Set(),
    };
  }

  /** I-1: new and changed orders reserve stock; the stores that sync it recompute (one wake-up per page). */
  async function reservationsChanged(target: ConnectionIntake): Promise<void> {
    if (target.inventoryToWake.size === 0) return;
    await wakeConnections(deps, [...target.inventoryToWake], 'orders imported or changed');
    target.inventoryToWake.clear();
  }

  const activities: OrdersDownloadActivities = {
    async beginOrdersDownload({ connectionId, mode }: { connectionId: string; mode: OrdersDownloadMode }): Promise<OrdersDownloadStart> {
      const connection = await loadConnection(deps.db, connectionId);
      const settings = storedSettings(connection);
      const base = { channel: connection.channel, storeName: storeNameOf(connection) };
      if (!settings.downloadOrders) return { ...base, enabled: false, reason: 'Download Orders is off for this connection', window: null };
      const highWater = mode.kind === 'incremental' ? await readHighWater(deps.db, connectionId, 'orders') : null;
      return { ...base, enabled: true, reason: null, window: orderWindow(mode, { now: new Date(), highWater, filters: settings.orderFilters }) };
    },

    async downloadOrderPages(input: OrderPagesInput): Promise<OrderPagesResult> {
      const ctx = Context.current();
      const resumed = heartbeatSchema.safeParse(ctx.info.heartbeatDetails);
      let cursor = resumed.success ? resumed.data.cursor : input.cursor;
      let counts = resumed.success ? resumed.data.counts : emptyOrderCounts();
      const deadline = Date.now() + (deps.pagesBudgetMs ?? 60_000);
      try {
        const target = await connectionIntake(input.connectionId);
        if (!target.adapter.fetchOrdersPage) throw new PermanentError(`${target.connection.channel} adapter cannot download orders`);
        for (let pages = 0; pages < input.maxPages && Date.now() < deadline; pages++) {
          ctx.cancellationSignal.throwIfAborted();
          const page = await target.adapter.fetchOrdersPage({ ...input.window, cursor });
          const pageCounts = emptyOrderCounts();
          pageCounts.pages = 1;
          // Orders of a page are independent (one row and one workflow each): take a few at a time,
          // so the page costs the slowest order's database and Temporal round trips, not their sum.
          const limit = pLimit(INTAKE_CONCURRENCY);
          const outcomes = await Promise.all(page.items.map((order) => limit(() => intake.takeOrder(target, order))));
          for (const outcome of outcomes) count(pageCounts, outcome);
          await reservationsChanged(target);
          // OD-1: the page is stored; only now may the cursor pass it (ties are re-read by the overlap).
          if (input.commitCursor) await commitCursor(input.connectionId, page.items);
          counts = addOrderCounts(counts, pageCounts);
          cursor = page.nextCursor;
          ctx.heartbeat({ cursor, counts });
          if (cursor === null) return { cursor: null, done: true, counts };
        }
        return { cursor, done: false, counts };
      } catch (error) {
        throw toActivityFailure(error);
      }
    },

    async refreshOrder({ connectionId, channelOrderId }: { connectionId: string; channelOrderId: string }): Promise<IntakeOutcome | 'not_found'> {
      try {
        const target = await connectionIntake(connectionId);
        if (!target.adapter.fetchOrder) throw new PermanentError(`${target.connection.channel} adapter cannot read single orders`);
        const order = await target.adapter.fetchOrder(channelOrderId);
        const outcome = order ? await intake.takeOrder(target, order) : 'not_found';
        await reservationsChanged(target);
        return outcome;
      } catch (error) {
        throw toActivityFailure(error);
      }
    },

    async finishOrdersDownload({ connectionId, mode, counts, window }): Promise<void> {
      await resolveEventGroups(deps.db, [staleDownloadGroupKey(connectionId)]);
      await recordEvent(deps.db, {
        connectionId,
        stream: mode.kind === 'incremental' ? 'orders' : 'order_reconcile',
        entityType: 'connection',
        entityId: connectionId,
        severity: counts.failed > 0 ? 'warning' : 'info',
        code: 'orders_download_completed',
        message: `orders ${window.updatedFrom} – ${window.updatedTo}: ${counts.seen} read, ${counts.imported} imported, ${counts.updated} updated, ${counts.skipped} skipped, ${counts.failed} failed (see the error queue)`,
        details: { mode: mode.kind, window, counts },
      });
    },
  };

  async function commitCursor(connectionId: string, orders: readonly ChannelOrder[]): Promise<void> {
    const newest = orders.reduce<number | null>((max, o) => Math.max(max ?? 0, Date.parse(o.updatedAt)), null);
    if (newest !== null) await advanceHighWater(deps.db, connectionId, 'orders', new Date(newest));
  }

  return activities;
}
