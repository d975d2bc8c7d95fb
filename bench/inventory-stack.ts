// The inventory benches' world (SPEC §13 N-3, N-8), on the order stack (bench/order-stack.ts): a
// shop with at least `skus` SKUs, its products downloaded by the real productsDownloadWorkflow,
// inventory sync on (WMS warehouse WH1 → the shop's first location) and a first sync done, so the
// store quantity of every synced listing is known. The loop reads a quantity it has never seen
// before it pushes (the compare-and-swap base, I-4); a bench of the push itself starts from known
// quantities. Levels go in over HTTP (POST /v1/inventory/levels, the real API); the truth is the
// emulator's, watched in this process as its quantities change.
import type { Counters } from '../emulators/shopify/store';
import { levelKey } from '../emulators/shopify/store';
import { quantityOf } from '../emulators/shopify/inventory';
import { inventoryStateQuery, workflowIds, workflowTypes } from '../src/definitions';
import { createShop, inParallel, sleep, wallMs, type BenchShop, type OrderStack } from './order-stack';

export type { Counters };

/** The emulator's seed makes at most this many products per shop (1–4 variants each). */
const SEED_PRODUCTS_MAX = 5000;
/** Products the bench adds through the emulator's admin API when the seed has too few SKUs. */
const EXTRA_VARIANTS = ['A', 'B', 'C', 'D'];
/** POST /v1/inventory/levels takes at most this many levels. */
export const LEVELS_PER_POST = 10_000;

export interface InventoryShop extends BenchShop {
  /** the shop's first location, which WH1 maps to */
  location: { id: number; gid: string };
  /** the synced SKUs, in SKU order, with their inventory item (emulator id) */
  items: { sku: string; inventoryItemId: number }[];
  /** the shop's plan now */
  plan: 'standard' | 'plus';
}

export interface LevelsAnswer {
  received: number;
  applied: number;
  unchanged: number;
  stale: unknown[];
  unknownSkus: string[];
  connectionsWoken: string[];
}

interface InventoryListing {
  inventory_item_id: number;
  location_id: number;
  sku: string | null;
  available: number;
}

/** How long a setup step took, printed as the bench goes. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  const began = wallMs();
  const value = await run();
  console.log(`  ${what}: ${((wallMs() - began) / 1000).toFixed(1)} s`);
  return value;
}

/**
 * Setup (untimed): the shop on the `plus` plan, so the first sync's reads and pushes do not wait
 * for a standard bucket; then the plan the caller wants. `products` seeds up to 5,000 products;
 * products of 4 variants are added through the admin API until there are `skus` SKUs.
 */
export async function inventoryShop(stack: OrderStack, { name, skus, products = SEED_PRODUCTS_MAX, plan = 'standard' }: { name: string; skus: number; products?: number; plan?: 'standard' | 'plus' }): Promise<InventoryShop> {
  const shop = await step(`shop with ${products} seeded products`, () => createShop(stack, { name, orders: 0, products: Math.min(products, SEED_PRODUCTS_MAX) }));
  const summary = await stack.admin.admin<{ counts: { variants: number }; locations: { id: number; gid: string }[] }>('GET', `/shops/${shop.domain}`);
  const location = summary.body.locations[0]!;
  const extra = Math.ceil(Math.max(0, skus - summary.body.counts.variants) / EXTRA_VARIANTS.length);
  if (extra > 0) {
    await step(`${extra} products of ${EXTRA_VARIANTS.length} variants added (the seed made ${summary.body.counts.variants} SKUs)`, () =>
      inParallel(
        Array.from({ length: extra }, (_, i) => i + 1),
        16,
        async (n) => {
          const code = `BENCH-${String(n).padStart(5, '0')}`;
          const res = await stack.admin.admin('POST', `/shops/${shop.domain}/products`, { title: `Bench product ${n}`, variants: EXTRA_VARIANTS.map((v) => ({ title: v, sku: `${code}-${v}` })) });
          if (res.status !== 201) throw new Error(`emulator refused product ${code}: ${JSON.stringify(res.body)}`);
        },
      ),
    );
  }
  await step('products downloaded (productsDownloadWorkflow)', () =>
    stack.client.workflow.execute(workflowTypes.productsDownload, {
      workflowId: `${workflowIds.productsDownload(shop.connectionId)}:bench`,
      taskQueue: stack.taskQueue,
      args: [{ connectionId: shop.connectionId }],
    }),
  );
  await stack.call('saveSettings', shop.connectionId, { syncInventory: true, locationMap: { WH1: location.gid } });

  const listed = await stack.admin.admin<InventoryListing[]>('GET', `/shops/${shop.domain}/inventory`);
  const items = listed.body
    .filter((l): l is InventoryListing & { sku: string } => l.location_id === location.id && l.sku !== null)
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .slice(0, skus)
    .map((l) => ({ sku: l.sku, inventoryItemId: l.inventory_item_id }));
  if (items.length < skus) throw new Error(`the shop has ${items.length} SKUs at ${location.gid}, not ${skus}`);
  const synced: InventoryShop = { ...shop, location, items, plan: 'plus' };

  await resetCounters(stack, synced);
  await step(`first sync of ${items.length} SKUs (reads every quantity, then pushes)`, async () => {
    const expected = levelsFor(synced, 0);
    const watch = watchQuantities(stack, synced, expected);
    await postLevels(stack, synced, expected, new Date().toISOString());
    await watch.done(15 * 60_000);
    await inventorySettled(stack, synced);
  });
  const c = await counters(stack, synced);
  console.log(`    (${c.graphqlRequests - c.mutations} reads and ${c.mutations} mutations, ${c.pointsCharged} points charged)`);
  if (plan !== 'plus') await setPlan(stack, synced, plan);
  return synced;
}

export async function setPlan(stack: OrderStack, shop: InventoryShop, plan: 'standard' | 'plus'): Promise<void> {
  const res = await stack.admin.admin('PUT', `/shops/${shop.domain}/plan`, { plan });
  if (res.status !== 200) throw new Error(`emulator refused plan ${plan}: ${JSON.stringify(res.body)}`);
  shop.plan = plan;
}

/** Round `round`'s on-hand level per SKU: different from every other round's, so every SKU changes. */
export function levelsFor(shop: InventoryShop, round: number, count = shop.items.length): Map<string, number> {
  return new Map(shop.items.slice(0, count).map((item, i) => [item.sku, round * 1000 + (i % 1000)]));
}

/** POST /v1/inventory/levels (WH1, nothing allocated) in posts of ≤ 10,000 levels, one after another. */
export async function postLevels(stack: OrderStack, shop: InventoryShop, onHand: ReadonlyMap<string, number>, asOf: string): Promise<LevelsAnswer[]> {
  if (!stack.api) throw new Error('the stack runs no API');
  const levels = [...onHand].map(([sku, n]) => ({ sku, warehouseCode: 'WH1', onHand: n, asOf }));
  const answers: LevelsAnswer[] = [];
  for (let i = 0; i < levels.length; i += LEVELS_PER_POST) {
    const res = await fetch(`${stack.api.url}/v1/inventory/levels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientCode: 'BENCH', levels: levels.slice(i, i + LEVELS_PER_POST) }),
    });
    if (res.status !== 200) throw new Error(`POST /v1/inventory/levels answered ${res.status}: ${await res.text()}`);
    answers.push((await res.json()) as LevelsAnswer);
  }
  return answers;
}

export interface QuantityWatch {
  /** Resolves when every expected quantity is on the emulator: when the first and the last of them changed (our clock). */
  done(timeoutMs: number): Promise<{ firstChangeMs: number | null; lastMs: number }>;
  /** SKUs not yet showing their expected quantity */
  pending(): string[];
}

/**
 * Watches the emulator (in this process) until every SKU shows `available` = its expected
 * quantity (no orders, no buffer: sellable = on hand) at the shop's location. Each change event
 * is checked as it happens, so the time is the emulator's applying the last quantity.
 */
export function watchQuantities(stack: OrderStack, shop: InventoryShop, expected: ReadonlyMap<string, number>): QuantityWatch {
  const state = stack.emulator.store.requireShop(shop.domain);
  const byItem = new Map(shop.items.filter((i) => expected.has(i.sku)).map((i) => [i.inventoryItemId, { sku: i.sku, quantity: expected.get(i.sku)! }]));
  const shows = (itemId: number, quantity: number) => {
    const level = state.levels.get(levelKey(itemId, shop.location.id));
    return level !== undefined && quantityOf(level, 'available') === quantity;
  };
  const pending = new Set([...byItem].filter(([itemId, e]) => !shows(itemId, e.quantity)).map(([itemId]) => itemId));
  let firstChangeMs: number | null = null;
  let finished: (lastMs: number) => void;
  const all = new Promise<number>((resolve) => (finished = resolve));
  const onChange = (event: { shop: string; topic: string; level?: { inventoryItemId: number; locationId: number } }) => {
    if (event.shop !== shop.domain || event.topic !== 'inventory_levels/update' || event.level?.locationId !== shop.location.id) return;
    const e = byItem.get(event.level.inventoryItemId);
    if (!e) return;
    firstChangeMs ??= wallMs();
    if (pending.has(event.level.inventoryItemId) && shows(event.level.inventoryItemId, e.quantity)) {
      pending.delete(event.level.inventoryItemId);
      if (pending.size === 0) finished(wallMs());
    }
  };
  stack.emulator.store.events.on('change', onChange);
  if (pending.size === 0) finished!(wallMs());
  return {
    async done(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const lastMs = await Promise.race([
          all,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${pending.size} of ${byItem.size} quantities not on the emulator after ${timeoutMs / 1000} s`)), timeoutMs);
          }),
        ]);
        return { firstChangeMs, lastMs };
      } finally {
        clearTimeout(timer);
        stack.emulator.store.events.off('change', onChange);
      }
    },
    pending: () => [...pending].map((itemId) => byItem.get(itemId)!.sku),
  };
}

/** Until the connection's loop is idle with no dirty listing left (nothing more will be pushed). */
export async function inventorySettled(stack: OrderStack, shop: InventoryShop, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const loop = stack.client.workflow.getHandle(workflowIds.inventory(shop.connectionId));
  for (;;) {
    const backlog = await stack.call<{ ready: number; waiting: number }>('inventoryBacklog', shop.connectionId);
    if (backlog.ready === 0 && backlog.waiting === 0 && (await loop.query(inventoryStateQuery)).state === 'idle') return;
    if (Date.now() > deadline) throw new Error(`the inventory loop of ${shop.domain} did not settle: ${JSON.stringify(backlog)}`);
    await sleep(50);
  }
}

/** SKUs whose `available` at the location on the emulator (its admin API) differs from `expected`. */
export async function lostUpdates(stack: OrderStack, shop: InventoryShop, expected: ReadonlyMap<string, number>): Promise<string[]> {
  const listed = await stack.admin.admin<InventoryListing[]>('GET', `/shops/${shop.domain}/inventory`);
  const shown = new Map(listed.body.filter((l) => l.location_id === shop.location.id && l.sku).map((l) => [l.sku!, l.available]));
  return [...expected].filter(([sku, quantity]) => shown.get(sku) !== quantity).map(([sku]) => sku);
}

export async function counters(stack: OrderStack, shop: BenchShop): Promise<Counters> {
  return (await stack.admin.admin<Counters>('GET', `/shops/${shop.domain}/counters`)).body;
}

export async function resetCounters(stack: OrderStack, shop: BenchShop): Promise<void> {
  await stack.admin.admin('DELETE', `/shops/${shop.domain}/counters`);
}

export async function drainBucket(stack: OrderStack, shop: BenchShop): Promise<void> {
  const res = await stack.admin.admin('POST', `/shops/${shop.domain}/throttle/drain`);
  if (res.status !== 200) throw new Error(`emulator refused to drain the bucket: ${JSON.stringify(res.body)}`);
}
