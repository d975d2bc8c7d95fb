// Inventory sync rules (SPEC §7 I-1 … I-8), pure and deterministic: what a store location is sent
// for a listing (I-1 sellable, I-2 kits, I-4 methods), which open orders are in flight against a WMS
// level (I-1), which level posts to keep (I-8), how a push is split into compare-and-swap batches
// (I-3, I-4, I-6), and why a listing is not synced (I-5). Shared by the inventory workflows, the
// activities, the explain endpoint and the tests.
//
// Times are epoch milliseconds (`EpochMs`), never ISO strings: they compare exactly as numbers
// (ISO strings of one instant can differ in precision and offset), survive workflow payloads as
// JSON (a Date does not), and need no parsing here. Convert at the edge: `date.getTime()`,
// `Date.parse(iso)`.
//
// Results are plain data, so they can be stored (the explain endpoint's "last push inputs") and
// passed through Temporal payloads; `describeQuantity` renders one as a line of text.
import { supports, type ChannelName } from './capabilities';
import { isTerminal, type OrderStatus } from './order-status';

export type EpochMs = number;

/** §3 settings `inventorySyncMethod`, `inventoryBuffer`, `inventoryMinimum`. */
export type InventorySyncMethod = 'available' | 'on_hand';

export interface InventoryPolicy {
  /** Units held back per SKU and location. */
  buffer: number;
  /** At or below this sellable quantity the channel is sent 0; 0 turns the threshold off. */
  minimum: number;
}

/** The WMS warehouses whose stock a channel location shows (locationMap is warehouse → location), sorted. */
export function warehousesForLocation(locationMap: Readonly<Record<string, string>>, channelLocationId: string): string[] {
  return Object.keys(locationMap)
    .filter((code) => locationMap[code] === channelLocationId)
    .sort(compareText);
}

// ---- in flight (I-1)

export interface OpenOrderLine {
  /** null for a line whose SKU resolved to no product: it reserves nothing we can count. */
  productId: string | null;
  /** Units the warehouse will ship for the line (order_lines.quantity_to_ship), not the ordered quantity. */
  quantityToShip: number;
  orderStatus: OrderStatus;
  /** When the order was released to the WMS; null while held, waiting for payment, or not yet released. */
  releasedAt: EpochMs | null;
  /** The line's product is a kit: the WMS ships (and counts) its components, `quantity` of each per kit. */
  kitComponents?: readonly { productId: string; quantity: number }[];
}

/**
 * I-1: the line reserves stock the level as of `asOf` does not show yet: its order is still open
 * and the WMS had not been told of it at `asOf`. Held and pending-payment orders are not released,
 * so they count until they are. A release at exactly `asOf` counts too: the level may have been
 * taken before the release reached the WMS, and counting it once too often only undersells until
 * the next level, where missing it could oversell.
 */
export function isInFlight(line: Pick<OpenOrderLine, 'orderStatus' | 'releasedAt'>, asOf: EpochMs): boolean {
  return !isTerminal(line.orderStatus) && (line.releasedAt === null || line.releasedAt >= asOf);
}

/**
 * Units in flight per product id (sorted by id; products with none are left out). `asOf` is one
 * level time for every product, or each product's own level time (a kit's components usually
 * have levels of different ages); products without a level in the map are left out, as there is
 * no level to subtract from. A kit line counts against each component, line units × component
 * quantity, and not against the kit itself: the WMS holds stock only of the components.
 */
export function inFlightByProduct(lines: readonly OpenOrderLine[], asOf: EpochMs | ReadonlyMap<string, EpochMs>): Record<string, number> {
  const units = new Map<string, number>();
  const add = (productId: string, quantity: number, line: OpenOrderLine) => {
    const levelAt = typeof asOf === 'number' ? asOf : asOf.get(productId);
    if (levelAt === undefined || quantity <= 0 || !isInFlight(line, levelAt)) return;
    units.set(productId, (units.get(productId) ?? 0) + quantity);
  };
  for (const line of lines) {
    if (line.kitComponents?.length) {
      for (const c of line.kitComponents) add(c.productId, line.quantityToShip * c.quantity, line);
    } else if (line.productId !== null) {
      add(line.productId, line.quantityToShip, line);
    }
  }
  return Object.fromEntries([...units].sort(([a], [b]) => compareText(a, b)));
}

// ---- quantity to send (I-1, I-2, I-4)

/**
 * One warehouse's stock of a product. `inFlight` is computed against this warehouse's own level
 * (the open lines of orders this warehouse ships, via inFlightByProduct with its as-of), so
 * several warehouses mapped to one location add up without counting an order twice.
 */
export interface WarehouseStock {
  warehouseCode: string;
  onHand: number;
  allocated: number;
  inFlight: number;
}

export interface KitComponentStock {
  productId: string;
  /** For messages. */
  sku: string;
  /** Units of the component in one kit (> 0, as kit_components guarantees). */
  quantity: number;
  /** The component's stock at the warehouses mapped to the location. */
  warehouses: readonly WarehouseStock[];
}

export type ListingStock =
  | { kind: 'product'; warehouses: readonly WarehouseStock[] }
  | { kind: 'kit'; components: readonly KitComponentStock[] };

export interface StockTotals {
  onHand: number;
  allocated: number;
  inFlight: number;
}

export interface ProductBasis extends StockTotals {
  kind: 'product';
  /** Sorted by warehouse code. */
  warehouses: WarehouseStock[];
}

export interface KitComponentAvailability extends StockTotals {
  productId: string;
  sku: string;
  quantity: number;
  /** max(0, onHand − allocated − inFlight): no buffer here, it applies once, to the kit. */
  available: number;
  /** floor(available / quantity) */
  kits: number;
  /** floor(onHand / quantity): the kits the physical stock makes, for the on_hand method. */
  kitsOnHand: number;
}

export interface KitBasis {
  kind: 'kit';
  /** Sorted by SKU. */
  components: KitComponentAvailability[];
  /** I-2: min over components of `kits`; 0 without components. */
  kits: number;
  /** min over components of `kitsOnHand`; 0 without components. */
  kitsOnHand: number;
  /** Product id of the component that limits `kits` (the first by SKU on a tie); null without components. */
  limitedBy: string | null;
  /** Why the kit cannot be sold at all, else null. */
  problem: string | null;
}

export interface StockDecision {
  method: InventorySyncMethod;
  /** What the channel location is sent, as `method`. */
  quantity: number;
  /** I-1: max(0, onHand − allocated − inFlight − buffer), or for a kit max(0, kits − buffer). */
  sellable: number;
  /** sellable ≤ minimum with minimum > 0: the channel is sent 0, whatever the method. */
  atOrBelowMinimum: boolean;
  buffer: number;
  minimum: number;
  basis: ProductBasis | KitBasis;
}

function totals(warehouses: readonly WarehouseStock[]): StockTotals {
  return warehouses.reduce((t, w) => ({ onHand: t.onHand + w.onHand, allocated: t.allocated + w.allocated, inFlight: t.inFlight + w.inFlight }), {
    onHand: 0,
    allocated: 0,
    inFlight: 0,
  });
}

function productBasis(warehouses: readonly WarehouseStock[]): ProductBasis {
  return { kind: 'product', ...totals(warehouses), warehouses: [...warehouses].sort((a, b) => compareText(a.warehouseCode, b.warehouseCode)) };
}

/** I-2: how many kits the components' stock at one location makes, and which component limits it. */
export function kitAvailability(components: readonly KitComponentStock[]): KitBasis {
  if (components.length === 0) {
    return { kind: 'kit', components: [], kits: 0, kitsOnHand: 0, limitedBy: null, problem: 'the kit has no components, so it cannot be sold: add its components in the WMS' };
  }
  const rows = components
    .map((c): KitComponentAvailability => {
      const t = totals(c.warehouses);
      const available = Math.max(0, t.onHand - t.allocated - t.inFlight);
      return {
        productId: c.productId,
        sku: c.sku,
        quantity: c.quantity,
        ...t,
        available,
        kits: Math.floor(available / c.quantity),
        kitsOnHand: Math.floor(t.onHand / c.quantity),
      };
    })
    .sort((a, b) => compareText(a.sku, b.sku) || compareText(a.productId, b.productId));
  const limiting = rows.reduce((min, row) => (row.kits < min.kits ? row : min));
  return {
    kind: 'kit',
    components: rows,
    kits: limiting.kits,
    kitsOnHand: Math.min(...rows.map((r) => r.kitsOnHand)),
    limitedBy: limiting.productId,
    problem: null,
  };
}

/**
 * I-4, what each Shopify method sends (docs cite this):
 *
 * - `available` sets Shopify `available` to the I-1 sellable quantity.
 * - `on_hand` sets Shopify `on_hand` to max(0, onHand − buffer): the WMS's physical units less the
 *   buffer (for a kit, the kits its components' physical units make). Allocated and in-flight
 *   units are not subtracted, because Shopify computes available = on_hand − committed and its
 *   `committed` already holds this store's open orders; subtracting them here too would count
 *   them twice. What Shopify cannot see is stock promised elsewhere (other stores' orders, a
 *   kit's components sold on their own), so `available` is the method for SKUs that sell on
 *   more than one channel or inside kits.
 *
 * Both methods send 0 when sellable ≤ minimum (minimum > 0), judged on the I-1 sellable quantity
 * (allocated and in flight subtracted), since the threshold exists to stop overselling. With
 * `on_hand` Shopify may then show a negative available (0 − committed): still sold out.
 */
export function quantityToPush(method: InventorySyncMethod, stock: ListingStock, policy: InventoryPolicy): StockDecision {
  const basis = stock.kind === 'kit' ? kitAvailability(stock.components) : productBasis(stock.warehouses);
  const free = basis.kind === 'kit' ? basis.kits : basis.onHand - basis.allocated - basis.inFlight;
  const physical = basis.kind === 'kit' ? basis.kitsOnHand : basis.onHand;
  const sellable = Math.max(0, free - policy.buffer);
  const atOrBelowMinimum = policy.minimum > 0 && sellable <= policy.minimum;
  const wanted = method === 'available' ? sellable : Math.max(0, physical - policy.buffer);
  return { method, quantity: atOrBelowMinimum ? 0 : wanted, sellable, atOrBelowMinimum, buffer: policy.buffer, minimum: policy.minimum, basis };
}

/** I-1 (and I-2 for a kit): the sellable quantity and what the `available` method sends. */
export function sellable(stock: ListingStock, policy: InventoryPolicy): StockDecision {
  return quantityToPush('available', stock, policy);
}

/**
 * The decision as one line for people, e.g.
 * `warehouse WH1: 12 on hand − 3 allocated − 2 in flight − 1 buffer = 6 (minimum 0): send available 6`.
 */
export function describeQuantity(d: StockDecision): string {
  const { basis } = d;
  if (basis.kind === 'kit' && basis.problem) return `${basis.problem}; send ${d.method} 0`;
  let formula: string;
  if (basis.kind === 'kit') {
    const parts = basis.components.map((c) => `${c.sku} ${c.available} available ÷ ${c.quantity} = ${c.kits}`);
    const limiting = basis.components.find((c) => c.productId === basis.limitedBy)!;
    formula = `kits = min(${parts.join(', ')}) = ${basis.kits}, limited by ${limiting.sku}; ${basis.kits} − ${d.buffer} buffer ${equals(basis.kits - d.buffer)}`;
  } else {
    const where = basis.warehouses.length === 1 ? 'warehouse' : 'warehouses';
    const codes = basis.warehouses.length > 0 ? basis.warehouses.map((w) => w.warehouseCode).join(' + ') : '(none)';
    const raw = basis.onHand - basis.allocated - basis.inFlight - d.buffer;
    formula = `${where} ${codes}: ${basis.onHand} on hand − ${basis.allocated} allocated − ${basis.inFlight} in flight − ${d.buffer} buffer ${equals(raw)}`;
  }
  formula += ` (minimum ${d.minimum})`;
  if (d.atOrBelowMinimum) return `${formula}: at or below the minimum, send ${d.method} 0`;
  if (d.method === 'available') return `${formula}: send available ${d.quantity}`;
  const physical = basis.kind === 'kit' ? basis.kitsOnHand : basis.onHand;
  const unit = basis.kind === 'kit' ? 'kits on hand' : 'on hand';
  return `${formula}: send on_hand ${physical} ${unit} − ${d.buffer} buffer ${equals(physical - d.buffer)} (the store subtracts its own committed orders)`;
}

/** `= 6`, or `= -2, so 0` where the quantity is held at 0. */
function equals(raw: number): string {
  return raw < 0 ? `= ${raw}, so 0` : `= ${raw}`;
}

// ---- level posts (I-8)

export interface LevelPost {
  asOf: EpochMs;
  onHand: number;
  allocated: number;
}

export type LevelDecision = 'apply' | 'stale' | 'duplicate';

/**
 * I-8: whether an incoming WMS level replaces the stored one. An older as-of is `stale` (the caller
 * ignores and logs it), so posts arriving out of order end on the newest. An equal as-of with equal
 * numbers is a `duplicate` (a retried post). An equal as-of with different numbers is applied: the
 * WMS is the source of truth and a second post for the same instant is its correction (a recount,
 * or two changes within one tick of a coarse clock); refusing it would lose the newer word.
 *
 * The database must apply the same rule in the one statement that writes the level (a conditional
 * upsert), so that concurrent posts cannot interleave between this check and the write.
 */
export function compareLevel(stored: LevelPost | undefined, incoming: LevelPost): LevelDecision {
  if (stored === undefined || incoming.asOf > stored.asOf) return 'apply';
  if (incoming.asOf < stored.asOf) return 'stale';
  return incoming.onHand === stored.onHand && incoming.allocated === stored.allocated ? 'duplicate' : 'apply';
}

export interface LevelProblem {
  field: keyof LevelPost;
  message: string;
}

/** I-8: a level is whole, non-negative units at a real time; empty when it is valid. */
export function levelProblems(level: LevelPost): LevelProblem[] {
  const problems: LevelProblem[] = [];
  for (const field of ['onHand', 'allocated'] as const) {
    const value = level[field];
    if (!Number.isInteger(value) || value < 0) problems.push({ field, message: `${field} must be a whole number of units, 0 or more (got ${value})` });
  }
  if (!Number.isFinite(level.asOf)) problems.push({ field: 'asOf', message: `asOf must be a time (got ${level.asOf})` });
  return problems;
}

// ---- push planning (I-3, I-4, I-6)

/** Shopify's maximum quantities per inventorySetQuantities call (I-6). */
export const MAX_QUANTITIES_PER_PUSH = 250;

export interface PushCandidate {
  /** Stable and unique per item and location (e.g. `listingId:locationId`): the order of the plan. */
  key: string;
  channelInventoryItemId: string;
  channelLocationId: string;
  /** What the store should show now. */
  target: number;
  lastPushed: number | null;
  /** The store's quantity as we last read or pushed it; null when we do not know it. */
  channelQuantity: number | null;
}

export interface PlannedQuantity {
  key: string;
  channelInventoryItemId: string;
  channelLocationId: string;
  quantity: number;
  /** I-4 compare-and-swap: the push applies only if the store still shows this. */
  changeFromQuantity: number;
}

export interface PushPlan {
  /** The store already shows the target: nothing to send. Where lastPushed differs (the store was
   *  read, not pushed), the caller records the target as pushed so the next delta starts from it. */
  unchanged: PushCandidate[];
  /** The store's quantity is unknown, so there is no compare-and-swap base: read it first (I-4). */
  needsRead: PushCandidate[];
  /** Items whose target differs from the store's quantity, at most `maxPerCall` per batch. */
  batches: PlannedQuantity[][];
}

/**
 * I-3 delta push: only quantities that differ from what the store shows are sent, each with its
 * compare-and-swap base (I-4), in batches of at most `maxPerCall` (I-6). Items are taken in key
 * order, so the plan is the same whatever order they came in. A batch never holds one (inventory
 * item, location) twice, as Shopify rejects the whole call then: a second item for the same pair
 * (two listings of one channel item) goes to a later batch instead of being dropped.
 */
export function planPush(items: readonly PushCandidate[], maxPerCall: number = MAX_QUANTITIES_PER_PUSH): PushPlan {
  if (!Number.isInteger(maxPerCall) || maxPerCall < 1) throw new RangeError(`maxPerCall must be a whole number of 1 or more (got ${maxPerCall})`);
  const sorted = [...items].sort((a, b) => compareText(a.key, b.key));
  const plan: PushPlan = { unchanged: [], needsRead: [], batches: [] };
  const pairsIn: Set<string>[] = [];
  let firstOpen = 0;
  for (const item of sorted) {
    if (item.channelQuantity === null) {
      plan.needsRead.push(item);
      continue;
    }
    if (item.channelQuantity === item.target) {
      plan.unchanged.push(item);
      continue;
    }
    const pair = JSON.stringify([item.channelInventoryItemId, item.channelLocationId]);
    let b = firstOpen;
    while (b < plan.batches.length && (plan.batches[b]!.length >= maxPerCall || pairsIn[b]!.has(pair))) b++;
    if (b === plan.batches.length) {
      plan.batches.push([]);
      pairsIn.push(new Set());
    }
    plan.batches[b]!.push({
      key: item.key,
      channelInventoryItemId: item.channelInventoryItemId,
      channelLocationId: item.channelLocationId,
      quantity: item.target,
      changeFromQuantity: item.channelQuantity,
    });
    pairsIn[b]!.add(pair);
    while (firstOpen < plan.batches.length && plan.batches[firstOpen]!.length >= maxPerCall) firstOpen++;
  }
  return plan;
}

// ---- skips (I-5)

export const INVENTORY_SKIP_REASONS = ['channel_unsupported', 'never_sync', 'unlinked', 'untracked', 'no_inventory_item', 'location_unmapped', 'no_wms_level'] as const;
export type InventorySkipReason = (typeof INVENTORY_SKIP_REASONS)[number];

export interface InventorySkip {
  reason: InventorySkipReason;
  /** What ops can do about it. */
  message: string;
}

export interface ListingSyncInput {
  channel: ChannelName;
  listing: { neverSync: boolean; productId: string | null; inventoryTracked: boolean; channelInventoryItemId: string | null };
  channelLocationId: string;
  locationMap: Readonly<Record<string, string>>;
  /** The linked product's components when it is a kit, else null. */
  kitComponents: readonly { productId: string; sku: string }[] | null;
  /** The WMS levels on record for the product and its components (any warehouse). */
  levels: readonly { productId: string; warehouseCode: string }[];
}

/**
 * I-5: why the listing's quantity at this location is not synced, or null when it is. Checks run
 * from the connection down to the level, so the reason given is the first thing ops must fix.
 * Levels count only at warehouses mapped to the location; a kit needs one for every component. A
 * kit without components is synced (as 0, see kitAvailability), since selling it is the error.
 */
export function inventorySkip(input: ListingSyncInput): InventorySkip | null {
  const { channel, listing, channelLocationId, locationMap } = input;
  if (!supports(channel, 'inventorySync')) {
    return {
      reason: 'channel_unsupported',
      message:
        channel === 'shipstation'
          ? 'ShipStation holds no stock for us: inventory sync is not supported for ShipStation connections'
          : `${channel} does not support inventory sync`,
    };
  }
  if (listing.neverSync) return { reason: 'never_sync', message: 'the listing is flagged never sync: the store keeps its own quantity until the flag is cleared' };
  if (listing.productId === null) {
    return { reason: 'unlinked', message: 'the listing is not linked to a WMS product: give the channel item a SKU the WMS knows, or link it, to sync it' };
  }
  if (!listing.inventoryTracked) {
    return { reason: 'untracked', message: 'the store does not track inventory for this item: turn on inventory tracking on the channel to sync it' };
  }
  if (listing.channelInventoryItemId === null) {
    return { reason: 'no_inventory_item', message: 'the channel gave no inventory item id for this item: download products again to pick it up' };
  }
  const warehouses = warehousesForLocation(locationMap, channelLocationId);
  if (warehouses.length === 0) {
    return {
      reason: 'location_unmapped',
      message:
        Object.keys(locationMap).length === 0
          ? 'no WMS warehouse is mapped to a channel location: set locationMap to sync inventory'
          : `no WMS warehouse is mapped to channel location ${channelLocationId}: add it to locationMap to sync it`,
    };
  }
  const mapped = new Set(warehouses);
  const hasLevel = (productId: string) => input.levels.some((l) => l.productId === productId && mapped.has(l.warehouseCode));
  const at = `${warehouses.length === 1 ? 'warehouse' : 'warehouses'} ${warehouses.join(', ')}`;
  const advice = 'nothing is pushed until it does (a product not stocked there needs a level of 0)';
  if (input.kitComponents === null) {
    if (!hasLevel(listing.productId)) return { reason: 'no_wms_level', message: `the WMS has not posted a level for this product at ${at}: ${advice}` };
    return null;
  }
  const missing = input.kitComponents
    .filter((c) => !hasLevel(c.productId))
    .map((c) => c.sku)
    .sort(compareText);
  if (missing.length > 0) {
    return { reason: 'no_wms_level', message: `the WMS has not posted a level at ${at} for kit component ${missing.join(', ')}: ${advice}` };
  }
  return null;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
