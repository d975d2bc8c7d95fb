import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findConnection } from '../../db/repositories/connections';
import { recordEvent } from '../../db/repositories/integration-events';
import { levelKey, levelsOf, listingsForSku, loadInventoryFacts, stockOf, upsertLevels, type LevelPost } from '../../db/repositories/inventory';
import { findProductsBySku } from '../../db/repositories/products';
import { parseConnectionSettings } from '../../domain/connection-settings';
import { describeQuantity } from '../../domain/inventory';
import { inventorySyncSettings, listingTargets } from '../../domain/inventory-targets';
import { productsChanged } from '../../temporal/inventory-workflows';
import { emptyInventoryView, inventoryStateQuery, workflowIds } from '../../definitions';
import { ApiError, errorBody } from '../errors';
import { callTemporal } from '../temporal-errors';
import { workflowUrl } from '../web-ui';
import type { ApiDependencies } from '../server';

/** SPEC §7 inventory: WMS levels in (I-3, I-8). */

const MAX_LEVELS_PER_POST = 10_000;
/** 10,000 levels with every field are ~1.1 MB: the route takes that much whatever the API-wide limit. */
const LEVELS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
const security = [{ bearer: [] }];

const levelInput = z
  .object({
    sku: z.string().trim().min(1, 'must not be empty'),
    warehouseCode: z.string().trim().min(1, 'must not be empty'),
    onHand: z.number().int('must be a whole number').min(0, 'must not be negative'),
    allocated: z.number().int('must be a whole number').min(0, 'must not be negative').default(0),
    asOf: z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time with offset, e.g. 2026-12-03T10:00:00Z' }),
  })
  .strict();

const staleLevel = z.object({
  sku: z.string(),
  warehouseCode: z.string(),
  asOf: z.string(),
  storedAsOf: z.string().describe('the newer level kept'),
});

const locationExplanation = z.object({
  channelLocationId: z.string(),
  synced: z.boolean(),
  skip: z.object({ reason: z.string(), message: z.string() }).nullable().describe('why this quantity is not synced (I-5)'),
  quantity: z.number().int().nullable().describe('what the store should show now'),
  formula: z.string().nullable().describe('the computation with its numbers'),
  inputs: z.unknown().describe('every number the quantity was computed from'),
  storeQuantity: z
    .object({ value: z.number().int(), source: z.enum(['read', 'pushed']), at: z.string() })
    .nullable()
    .describe('what the store showed when we last read or pushed it: the base of the next compare-and-swap'),
  lastPush: z.object({ quantity: z.number().int(), at: z.string(), formula: z.string().nullable() }).nullable(),
});

const listingExplanation = z.object({
  listingId: z.string().uuid(),
  channelItemId: z.string(),
  channelSku: z.string().nullable(),
  productId: z.string().uuid().nullable(),
  pending: z.boolean().describe('a change is waiting for the next push'),
  locations: z.array(locationExplanation),
});

const inventoryLoop = z.object({
  connectionId: z.string().uuid(),
  state: z.enum(['idle', 'coalescing', 'pushing', 'paused', 'stopped']),
  stateSince: z.string().nullable(),
  reason: z.string().nullable(),
  backlog: z.object({ ready: z.number().int(), waiting: z.number().int(), nextRetryInMs: z.number().nullable() }),
  lastPush: z
    .object({ at: z.string(), examined: z.number(), pushed: z.number(), unchanged: z.number(), skipped: z.number(), stale: z.number(), rejected: z.number(), mutations: z.number() })
    .nullable(),
  totals: z.object({ cycles: z.number(), pushed: z.number(), mutations: z.number() }),
  webUiUrl: z.string(),
});

export const inventoryRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db, log } = deps;

  app.post(
    '/inventory/levels',
    {
      bodyLimit: Math.max(deps.bodyLimitBytes, LEVELS_BODY_LIMIT_BYTES),
      schema: {
        tags: ['inventory'],
        summary: 'WMS stock levels (on hand, allocated, as-of) for one client; changed ones are pushed to every store that syncs them',
        description:
          'Levels are absolute. A level older than the stored one (by asOf) is ignored and reported as stale, so posts may arrive in any order (I-8). ' +
          'Unknown SKUs are reported and nothing is stored for them. The push to the stores happens asynchronously, coalesced per store (I-3).',
        security,
        body: z
          .object({
            clientCode: z.string().trim().min(1, 'must not be empty'),
            levels: z.array(levelInput).min(1, 'send at least one level').max(MAX_LEVELS_PER_POST, `send at most ${MAX_LEVELS_PER_POST} levels per request`),
          })
          .strict(),
        response: {
          200: z.object({
            received: z.number().int(),
            applied: z.number().int(),
            unchanged: z.number().int().describe('same as-of and quantities as stored: a repeat'),
            stale: z.array(staleLevel),
            unknownSkus: z.array(z.string()),
            connectionsWoken: z.array(z.string().uuid()),
          }),
          400: errorBody,
        },
      },
    },
    async (request) => {
      const { clientCode, levels } = request.body;
      const products = await findProductsBySku(db, clientCode, levels.map((l) => l.sku));
      const unknownSkus = [...new Set(levels.filter((l) => !products.has(l.sku)).map((l) => l.sku))].sort();
      const skuOf = new Map([...products.values()].map((p) => [p.id, p.sku]));

      // Within one post the newest level per SKU and warehouse is the one that counts.
      const newest = new Map<string, LevelPost>();
      const stale: z.infer<typeof staleLevel>[] = [];
      for (const l of levels) {
        const product = products.get(l.sku);
        if (!product) continue;
        const post: LevelPost = { productId: product.id, warehouseCode: l.warehouseCode, onHand: l.onHand, allocated: l.allocated, asOf: new Date(l.asOf) };
        const key = levelKey(post.productId, post.warehouseCode);
        const kept = newest.get(key);
        const [older, newer] = kept && kept.asOf > post.asOf ? [post, kept] : [kept, post];
        newest.set(key, newer);
        if (older && older.asOf < newer.asOf) stale.push({ sku: l.sku, warehouseCode: l.warehouseCode, asOf: older.asOf.toISOString(), storedAsOf: newer.asOf.toISOString() });
      }
      const posts = [...newest.values()];
      const applied = await upsertLevels(db, posts);

      // Not applied: a newer level is stored (stale) or the same one (a repeat).
      const notApplied = posts.filter((p) => !applied.has(levelKey(p.productId, p.warehouseCode)));
      const stored = new Map((await levelsOf(db, notApplied.map((p) => p.productId))).map((r) => [levelKey(r.productId, r.warehouseCode), r]));
      let unchanged = 0;
      for (const p of notApplied) {
        const current = stored.get(levelKey(p.productId, p.warehouseCode));
        if (current && current.asOf > p.asOf) {
          stale.push({ sku: skuOf.get(p.productId)!, warehouseCode: p.warehouseCode, asOf: p.asOf.toISOString(), storedAsOf: current.asOf.toISOString() });
        } else {
          unchanged++;
        }
      }

      if (stale.length > 0) {
        log.info({ clientCode, stale: stale.length }, 'older inventory levels ignored');
        await recordEvent(db, {
          connectionId: null,
          stream: 'inventory',
          entityType: 'inventory',
          entityId: clientCode,
          severity: 'info',
          code: 'inventory_levels_stale',
          message: `${stale.length} level(s) of client ${clientCode} were older than the stored ones and were ignored (e.g. ${stale[0]!.sku} at ${stale[0]!.warehouseCode}, as of ${stale[0]!.asOf})`,
          details: { examples: stale.slice(0, 20) },
        });
      }
      if (unknownSkus.length > 0) {
        await recordEvent(db, {
          connectionId: null,
          stream: 'inventory',
          entityType: 'inventory',
          entityId: clientCode,
          severity: 'warning',
          category: 'data',
          code: 'inventory_unknown_skus',
          message: `levels for ${unknownSkus.length} SKU(s) of client ${clientCode} that Storelink does not know were not stored (e.g. ${unknownSkus[0]}): download the store's products or create them first`,
          details: { skus: unknownSkus.slice(0, 100) },
          groupKey: `inventory:unknown-skus:${clientCode}`,
        });
      }

      const changedProducts = posts.filter((p) => applied.has(levelKey(p.productId, p.warehouseCode))).map((p) => p.productId);
      const connectionsWoken = await productsChanged(deps, changedProducts, `${changedProducts.length} WMS level change(s)`);
      return { received: levels.length, applied: applied.size, unchanged, stale, unknownSkus, connectionsWoken };
    },
  );

  app.get(
    '/inventory/explain',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Why a store shows what it shows for a SKU: inputs, formula with numbers, last push, skip reason (I-5)',
        security,
        querystring: z.object({
          connection: z.string().uuid('expected a connection id (uuid)'),
          sku: z.string().trim().min(1, 'must not be empty'),
        }),
        response: {
          200: z.object({
            connectionId: z.string().uuid(),
            sku: z.string(),
            syncInventory: z.boolean(),
            method: z.enum(['available', 'on_hand']),
            listings: z.array(listingExplanation),
          }),
          400: errorBody,
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (request) => {
      const { connection: connectionId, sku } = request.query;
      const connection = await findConnection(db, connectionId);
      if (!connection) throw new ApiError(404, 'not_found', `no connection ${connectionId}`);
      const parsed = parseConnectionSettings(connection.settings, { channel: connection.channel, setupCompleted: connection.status === 'completed' });
      if (!parsed.ok) throw new ApiError(409, 'invalid_settings', `stored settings of connection ${connectionId} are invalid`);
      const settings = parsed.settings;
      const rows = await listingsForSku(db, connectionId, sku);
      if (rows.length === 0) throw new ApiError(404, 'not_found', `connection ${connectionId} has no listing with SKU ${sku}`);
      const facts = await loadInventoryFacts(db, rows.flatMap((r) => r.productId ?? []));
      const stock = await stockOf(db, rows.map((r) => r.id));
      const sync = inventorySyncSettings(connection.channel, settings);
      return {
        connectionId,
        sku,
        syncInventory: settings.syncInventory,
        method: settings.inventorySyncMethod,
        listings: rows.map((listing) => ({
          listingId: listing.id,
          channelItemId: listing.channelItemId,
          channelSku: listing.channelSku,
          productId: listing.productId,
          pending: listing.inventoryDirtyGeneration > listing.inventoryPushedGeneration,
          locations: listingTargets(listing, sync, facts).map((t) => {
            const known = stock.find((s) => s.listingId === listing.id && s.channelLocationId === t.channelLocationId);
            const lastPushInputs = known?.lastPushInputs as { formula?: string } | null | undefined;
            return {
              channelLocationId: t.channelLocationId,
              synced: settings.syncInventory && !t.skip,
              skip: t.skip ?? null,
              quantity: t.decision?.quantity ?? null,
              formula: t.decision ? describeQuantity(t.decision) : null,
              inputs: t.decision ?? null,
              storeQuantity:
                known?.channelQuantity !== null && known?.channelQuantity !== undefined && known.channelQuantitySource && known.channelQuantityAt
                  ? { value: known.channelQuantity, source: known.channelQuantitySource, at: known.channelQuantityAt.toISOString() }
                  : null,
              lastPush:
                known?.lastPushedQuantity !== null && known?.lastPushedQuantity !== undefined && known.lastPushedAt
                  ? { quantity: known.lastPushedQuantity, at: known.lastPushedAt.toISOString(), formula: lastPushInputs?.formula ?? null }
                  : null,
            };
          }),
        })),
      };
    },
  );

  app.get(
    '/connections/:id/inventory',
    {
      schema: {
        tags: ['inventory'],
        summary: "The connection's inventory loop: state, backlog, last push (I-3), with its Web UI link",
        security,
        params: z.object({ id: z.string().uuid('expected a connection id (uuid)') }),
        response: { 200: inventoryLoop, 404: errorBody, 503: errorBody },
      },
    },
    async (request) => {
      const connectionId = request.params.id;
      if (!(await findConnection(db, connectionId))) throw new ApiError(404, 'not_found', `no connection ${connectionId}`);
      const workflowId = workflowIds.inventory(connectionId);
      const view = await callTemporal('reading the inventory loop', async () => {
        try {
          return await deps.temporal.workflow.getHandle(workflowId).query(inventoryStateQuery);
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          return { ...emptyInventoryView(connectionId), state: 'stopped' as const, reason: 'no inventory loop has run for this connection yet: it starts with the first level change once syncInventory is on' };
        }
      });
      return { ...view, webUiUrl: workflowUrl(deps, workflowId) };
    },
  );
};
