import fc from 'fast-check';
import {
  compareLevel,
  describeQuantity,
  inFlightByProduct,
  inventorySkip,
  isInFlight,
  kitAvailability,
  levelProblems,
  MAX_QUANTITIES_PER_PUSH,
  planPush,
  quantityToPush,
  sellable,
  warehousesForLocation,
  type KitComponentStock,
  type LevelPost,
  type ListingSyncInput,
  type OpenOrderLine,
  type PushCandidate,
  type WarehouseStock,
} from '../../src/domain/inventory';
import { ORDER_STATUSES } from '../../src/domain/order-status';

const T = Date.parse('2026-05-01T10:00:00Z');
const MINUTE = 60_000;

const wh = (warehouseCode: string, onHand: number, allocated = 0, inFlight = 0): WarehouseStock => ({ warehouseCode, onHand, allocated, inFlight });
const product = (...warehouses: WarehouseStock[]) => ({ kind: 'product' as const, warehouses });
const component = (sku: string, quantity: number, ...warehouses: WarehouseStock[]): KitComponentStock => ({ productId: `p-${sku}`, sku, quantity, warehouses });
const kit = (...components: KitComponentStock[]) => ({ kind: 'kit' as const, components });
const policy = (buffer = 0, minimum = 0) => ({ buffer, minimum });

const line = (over: Partial<OpenOrderLine> = {}): OpenOrderLine => ({ productId: 'p-A', quantityToShip: 2, orderStatus: 'open', releasedAt: T + MINUTE, ...over });

// ---- generators

const units = fc.integer({ min: 0, max: 1_000 });
const warehouseArb = fc.record({ warehouseCode: fc.constantFrom('WH1', 'WH2', 'WH3'), onHand: units, allocated: units, inFlight: units });
const warehousesArb = fc.uniqueArray(warehouseArb, { maxLength: 3, selector: (w) => w.warehouseCode });
const policyArb = fc.record({ buffer: fc.integer({ min: 0, max: 50 }), minimum: fc.integer({ min: 0, max: 50 }) });
const componentsArb = fc.uniqueArray(
  fc.record({ sku: fc.constantFrom('CUP', 'LID', 'BOX', 'STRAW'), quantity: fc.integer({ min: 1, max: 6 }), warehouses: warehousesArb }),
  { minLength: 1, maxLength: 4, selector: (c) => c.sku },
).map((cs) => cs.map((c) => component(c.sku, c.quantity, ...c.warehouses)));
const openLineArb: fc.Arbitrary<OpenOrderLine> = fc.record({
  productId: fc.constantFrom('p-A', 'p-B', 'p-C', null),
  quantityToShip: fc.integer({ min: 0, max: 20 }),
  orderStatus: fc.constantFrom(...ORDER_STATUSES),
  releasedAt: fc.option(fc.integer({ min: T - 10 * MINUTE, max: T + 10 * MINUTE })),
  kitComponents: fc.option(
    fc.uniqueArray(fc.record({ productId: fc.constantFrom('p-A', 'p-B', 'p-C'), quantity: fc.integer({ min: 1, max: 4 }) }), { maxLength: 3, selector: (c) => c.productId }),
    { nil: undefined },
  ),
});

const sum = (ws: readonly WarehouseStock[], field: 'onHand' | 'allocated' | 'inFlight') => ws.reduce((n, w) => n + w[field], 0);

describe('I-1 sellable', () => {
  it('I-1 sellable = onHand − allocated − inFlight − buffer, with every number kept for explain', () => {
    const d = sellable(product(wh('WH1', 12, 3, 2)), policy(1, 0));
    expect(d).toEqual({
      method: 'available',
      quantity: 6,
      sellable: 6,
      atOrBelowMinimum: false,
      buffer: 1,
      minimum: 0,
      basis: { kind: 'product', onHand: 12, allocated: 3, inFlight: 2, warehouses: [wh('WH1', 12, 3, 2)] },
    });
    expect(describeQuantity(d)).toBe('warehouse WH1: 12 on hand − 3 allocated − 2 in flight − 1 buffer = 6 (minimum 0): send available 6');
  });

  it('I-1 warehouses mapped to one location add up (listed in code order)', () => {
    const d = sellable(product(wh('WH2', 4, 1, 1), wh('WH1', 8, 2, 1)), policy());
    expect(d.basis).toMatchObject({ onHand: 12, allocated: 3, inFlight: 2 });
    expect(d.quantity).toBe(7);
    expect(describeQuantity(d)).toBe('warehouses WH1 + WH2: 12 on hand − 3 allocated − 2 in flight − 0 buffer = 7 (minimum 0): send available 7');
  });

  it('I-1 never goes below 0 when more is promised than is on hand', () => {
    const d = sellable(product(wh('WH1', 2, 3, 2)), policy(1));
    expect(d.quantity).toBe(0);
    expect(describeQuantity(d)).toBe('warehouse WH1: 2 on hand − 3 allocated − 2 in flight − 1 buffer = -4, so 0 (minimum 0): send available 0');
  });

  it('I-1 at or below the minimum the channel is sent 0; above it, the sellable quantity', () => {
    expect(sellable(product(wh('WH1', 5)), policy(0, 5))).toMatchObject({ sellable: 5, atOrBelowMinimum: true, quantity: 0 });
    expect(sellable(product(wh('WH1', 4)), policy(0, 5))).toMatchObject({ sellable: 4, atOrBelowMinimum: true, quantity: 0 });
    expect(sellable(product(wh('WH1', 6)), policy(0, 5))).toMatchObject({ sellable: 6, atOrBelowMinimum: false, quantity: 6 });
    expect(describeQuantity(sellable(product(wh('WH1', 5, 0, 0)), policy(1, 5)))).toBe(
      'warehouse WH1: 5 on hand − 0 allocated − 0 in flight − 1 buffer = 4 (minimum 5): at or below the minimum, send available 0',
    );
  });

  it('I-1 a minimum of 0 is no threshold: sellable 0 is simply 0', () => {
    expect(sellable(product(wh('WH1', 0)), policy())).toMatchObject({ sellable: 0, atOrBelowMinimum: false, quantity: 0 });
  });

  it('I-1 a location shows the warehouses locationMap maps to it', () => {
    const map = { WH2: 'loc-1', WH1: 'loc-1', WH3: 'loc-2' };
    expect(warehousesForLocation(map, 'loc-1')).toEqual(['WH1', 'WH2']);
    expect(warehousesForLocation(map, 'loc-9')).toEqual([]);
  });

  it('I-1 property: sellable is never negative and never exceeds onHand − buffer; what is sent is 0 or sellable', () => {
    fc.assert(
      fc.property(warehousesArb, policyArb, (warehouses, p) => {
        const d = sellable(product(...warehouses), p);
        expect(d.sellable).toBeGreaterThanOrEqual(0);
        expect(d.sellable).toBeLessThanOrEqual(Math.max(0, sum(warehouses, 'onHand') - p.buffer));
        expect(d.sellable).toBe(Math.max(0, sum(warehouses, 'onHand') - sum(warehouses, 'allocated') - sum(warehouses, 'inFlight') - p.buffer));
        expect([0, d.sellable]).toContain(d.quantity);
      }),
    );
  });

  it('I-1 property: at or below a positive minimum 0 is sent, by either method; otherwise available sends sellable', () => {
    fc.assert(
      fc.property(warehousesArb, policyArb, fc.constantFrom('available' as const, 'on_hand' as const), (warehouses, p, method) => {
        const d = quantityToPush(method, product(...warehouses), p);
        const threshold = p.minimum > 0 && d.sellable <= p.minimum;
        expect(d.atOrBelowMinimum).toBe(threshold);
        if (threshold) expect(d.quantity).toBe(0);
        else if (method === 'available') expect(d.quantity).toBe(d.sellable);
      }),
    );
  });
});

describe('I-1 in flight', () => {
  it('I-1 an order released after the level was taken is in flight; one released before it is not', () => {
    expect(isInFlight(line({ releasedAt: T + 1 }), T)).toBe(true);
    expect(isInFlight(line({ releasedAt: T - 1 }), T)).toBe(false);
  });

  it('I-1 a release at exactly the as-of time still counts (undersell briefly rather than oversell)', () => {
    expect(isInFlight(line({ releasedAt: T }), T)).toBe(true);
  });

  it('I-1 held and pending-payment orders reserve stock: never released, always in flight', () => {
    expect(isInFlight(line({ orderStatus: 'on_hold', releasedAt: null }), T)).toBe(true);
    expect(isInFlight(line({ orderStatus: 'pending_payment', releasedAt: null }), T)).toBe(true);
  });

  it('I-1 shipped and cancelled orders are never in flight; a cancellation request still is', () => {
    expect(isInFlight(line({ orderStatus: 'shipped' }), T)).toBe(false);
    expect(isInFlight(line({ orderStatus: 'cancelled', releasedAt: null }), T)).toBe(false);
    expect(isInFlight(line({ orderStatus: 'cancel_requested' }), T)).toBe(true);
  });

  it('I-1 counts units to ship per product, leaving out unresolved lines and products with none', () => {
    const lines = [
      line({ productId: 'p-B', quantityToShip: 3 }),
      line({ productId: 'p-A', quantityToShip: 2 }),
      line({ productId: 'p-A', quantityToShip: 1, orderStatus: 'on_hold', releasedAt: null }),
      line({ productId: 'p-C', quantityToShip: 5, releasedAt: T - MINUTE }),
      line({ productId: 'p-D', quantityToShip: 0 }),
      line({ productId: null, quantityToShip: 4 }),
    ];
    const result = inFlightByProduct(lines, T);
    expect(result).toEqual({ 'p-A': 3, 'p-B': 3 });
    expect(Object.keys(result)).toEqual(['p-A', 'p-B']);
  });

  it('I-1 / I-2 a kit line counts against each component (units × quantity per kit), not the kit', () => {
    const kitLine = line({ productId: 'p-KIT', quantityToShip: 2, kitComponents: [{ productId: 'p-CUP', quantity: 2 }, { productId: 'p-LID', quantity: 1 }] });
    expect(inFlightByProduct([kitLine, line({ productId: 'p-CUP', quantityToShip: 1 })], T)).toEqual({ 'p-CUP': 5, 'p-LID': 2 });
  });

  it('I-1 each product is judged against its own level time; products without a level are left out', () => {
    const asOf = new Map([
      ['p-A', T],
      ['p-B', T + 5 * MINUTE],
    ]);
    const lines = [line({ productId: 'p-A', releasedAt: T + MINUTE }), line({ productId: 'p-B', releasedAt: T + MINUTE }), line({ productId: 'p-C' })];
    expect(inFlightByProduct(lines, asOf)).toEqual({ 'p-A': 2 });
  });

  it('I-1 property: in flight is monotone in the set of open orders', () => {
    fc.assert(
      fc.property(fc.array(openLineArb, { maxLength: 20 }), fc.array(openLineArb, { maxLength: 10 }), (lines, more) => {
        const before = inFlightByProduct(lines, T);
        const after = inFlightByProduct([...lines, ...more], T);
        for (const [productId, n] of Object.entries(before)) expect(after[productId]).toBeGreaterThanOrEqual(n);
      }),
    );
  });

  it('I-1 property: orders released before the as-of time add nothing', () => {
    const releasedBefore = openLineArb.chain((l) => fc.integer({ min: T - 10 * MINUTE, max: T - 1 }).map((releasedAt) => ({ ...l, releasedAt })));
    fc.assert(
      fc.property(fc.array(openLineArb, { maxLength: 20 }), fc.array(releasedBefore, { minLength: 1, maxLength: 10 }), (lines, known) => {
        expect(inFlightByProduct(known, T)).toEqual({});
        expect(inFlightByProduct([...known, ...lines], T)).toEqual(inFlightByProduct(lines, T));
      }),
    );
  });
});

describe('I-2 kits', () => {
  it('I-2 kit sellable = min over components of floor(available / quantity), naming the limiting component', () => {
    const stock = kit(component('CUP', 2, wh('WH1', 12, 1, 2)), component('LID', 1, wh('WH1', 4, 1, 0)));
    const basis = kitAvailability(stock.components);
    expect(basis).toMatchObject({ kits: 3, limitedBy: 'p-LID', problem: null });
    expect(basis.components.map((c) => [c.sku, c.available, c.kits])).toEqual([
      ['CUP', 9, 4],
      ['LID', 3, 3],
    ]);
    const d = sellable(stock, policy(1));
    expect(d.quantity).toBe(2);
    expect(describeQuantity(d)).toBe('kits = min(CUP 9 available ÷ 2 = 4, LID 3 available ÷ 1 = 3) = 3, limited by LID; 3 − 1 buffer = 2 (minimum 0): send available 2');
  });

  it('I-2 the buffer and minimum apply once, to the kit, not to each component', () => {
    const stock = kit(component('CUP', 1, wh('WH1', 5)), component('LID', 1, wh('WH1', 5)));
    expect(sellable(stock, policy(2)).quantity).toBe(3);
    expect(sellable(stock, policy(0, 5)).quantity).toBe(0);
    expect(sellable(stock, policy(0, 4)).quantity).toBe(5);
  });

  it('I-2 a component short of stock elsewhere (allocated beyond on hand) limits the kit to 0, never below', () => {
    const d = sellable(kit(component('CUP', 1, wh('WH1', 10)), component('LID', 1, wh('WH1', 2, 5, 0))), policy());
    expect(d).toMatchObject({ sellable: 0, quantity: 0, basis: { kits: 0, limitedBy: 'p-LID' } });
  });

  it('I-2 component stock at several warehouses of the location adds up', () => {
    const basis = kitAvailability([component('CUP', 3, wh('WH1', 4), wh('WH2', 5, 0, 1))]);
    expect(basis.components[0]).toMatchObject({ onHand: 9, inFlight: 1, available: 8, kits: 2 });
  });

  it('I-2 a kit without components is not sellable, with the reason', () => {
    const d = sellable(kit(), policy());
    expect(d).toMatchObject({ quantity: 0, sellable: 0, basis: { kits: 0, limitedBy: null, problem: expect.stringContaining('no components') } });
    expect(describeQuantity(d)).toBe('the kit has no components, so it cannot be sold: add its components in the WMS; send available 0');
    expect(quantityToPush('on_hand', kit(), policy()).quantity).toBe(0);
  });

  it('I-2 property: kit sellable never exceeds any component floor(available / quantity) and equals one of them', () => {
    fc.assert(
      fc.property(componentsArb, (components) => {
        const basis = kitAvailability(components);
        const floors = components.map((c) => Math.floor(Math.max(0, sum(c.warehouses, 'onHand') - sum(c.warehouses, 'allocated') - sum(c.warehouses, 'inFlight')) / c.quantity));
        for (const f of floors) expect(basis.kits).toBeLessThanOrEqual(f);
        expect(floors).toContain(basis.kits);
        expect(basis.components.find((c) => c.productId === basis.limitedBy)?.kits).toBe(basis.kits);
      }),
    );
  });

  it('I-2 property: the kit listing sends max(0, kits − buffer), or 0 at or below the minimum', () => {
    fc.assert(
      fc.property(componentsArb, policyArb, (components, p) => {
        const d = sellable(kit(...components), p);
        expect(d.sellable).toBe(Math.max(0, kitAvailability(components).kits - p.buffer));
        expect(d.quantity).toBe(p.minimum > 0 && d.sellable <= p.minimum ? 0 : d.sellable);
      }),
    );
  });
});

describe('I-4 methods', () => {
  it('I-4 available sends the sellable quantity as Shopify available', () => {
    expect(quantityToPush('available', product(wh('WH1', 12, 3, 2)), policy(1))).toMatchObject({ method: 'available', quantity: 6 });
  });

  it('I-4 on_hand sends the physical units less the buffer; Shopify subtracts its own committed orders', () => {
    const d = quantityToPush('on_hand', product(wh('WH1', 12, 3, 2)), policy(1));
    expect(d).toMatchObject({ method: 'on_hand', quantity: 11, sellable: 6 });
    expect(describeQuantity(d)).toBe(
      'warehouse WH1: 12 on hand − 3 allocated − 2 in flight − 1 buffer = 6 (minimum 0): send on_hand 12 on hand − 1 buffer = 11 (the store subtracts its own committed orders)',
    );
  });

  it('I-4 on_hand sends 0 when the sellable quantity is at or below the minimum, though units are on hand', () => {
    const d = quantityToPush('on_hand', product(wh('WH1', 12, 8, 2)), policy(0, 2));
    expect(d).toMatchObject({ quantity: 0, sellable: 2, atOrBelowMinimum: true });
    expect(describeQuantity(d)).toBe('warehouse WH1: 12 on hand − 8 allocated − 2 in flight − 0 buffer = 2 (minimum 2): at or below the minimum, send on_hand 0');
  });

  it('I-4 on_hand for a kit sends the kits its components physically make, less the buffer', () => {
    const d = quantityToPush('on_hand', kit(component('CUP', 2, wh('WH1', 12, 10, 0)), component('LID', 1, wh('WH1', 7))), policy(1));
    expect(d).toMatchObject({ quantity: 5, sellable: 0, basis: { kits: 1, kitsOnHand: 6 } });
    expect(describeQuantity(d)).toContain('send on_hand 6 kits on hand − 1 buffer = 5');
  });

  it('I-4 property: on_hand sends max(0, onHand − buffer) unless at or below the minimum, never less than available would', () => {
    fc.assert(
      fc.property(warehousesArb, policyArb, (warehouses, p) => {
        const onHand = quantityToPush('on_hand', product(...warehouses), p);
        const available = quantityToPush('available', product(...warehouses), p);
        expect(onHand.quantity).toBe(onHand.atOrBelowMinimum ? 0 : Math.max(0, sum(warehouses, 'onHand') - p.buffer));
        expect(onHand.quantity).toBeGreaterThanOrEqual(available.quantity);
      }),
    );
  });
});

describe('I-8 level posts', () => {
  const level = (asOf: number, onHand = 10, allocated = 2): LevelPost => ({ asOf, onHand, allocated });

  it('I-8 the first level and newer levels apply; older ones are stale', () => {
    expect(compareLevel(undefined, level(T))).toBe('apply');
    expect(compareLevel(level(T), level(T + 1, 9))).toBe('apply');
    expect(compareLevel(level(T), level(T - 1, 9))).toBe('stale');
  });

  it('I-8 the same level posted twice is a duplicate; a correction at the same as-of applies', () => {
    expect(compareLevel(level(T), level(T))).toBe('duplicate');
    expect(compareLevel(level(T), level(T, 11))).toBe('apply');
    expect(compareLevel(level(T), level(T, 10, 3))).toBe('apply');
  });

  it('I-8 levels are whole, non-negative units at a real time, each problem naming its field', () => {
    expect(levelProblems(level(T))).toEqual([]);
    expect(levelProblems(level(T, 0, 0))).toEqual([]);
    expect(levelProblems({ asOf: Number.NaN, onHand: -1, allocated: 1.5 })).toEqual([
      { field: 'onHand', message: 'onHand must be a whole number of units, 0 or more (got -1)' },
      { field: 'allocated', message: 'allocated must be a whole number of units, 0 or more (got 1.5)' },
      { field: 'asOf', message: 'asOf must be a time (got NaN)' },
    ]);
  });

  const postsArb = fc.array(fc.record({ asOf: fc.integer({ min: T, max: T + 20 }), onHand: fc.integer({ min: 0, max: 3 }), allocated: fc.integer({ min: 0, max: 3 }) }), {
    minLength: 1,
    maxLength: 12,
  });
  const fold = (posts: readonly LevelPost[]) => posts.reduce<LevelPost | undefined>((stored, p) => (compareLevel(stored, p) === 'apply' ? p : stored), undefined);

  it('I-8 property: any delivery order of the same posts ends on the newest as-of (the newest post itself when as-ofs differ)', () => {
    const withPermutation = postsArb.chain((posts) => fc.tuple(fc.constant(posts), fc.shuffledSubarray(posts, { minLength: posts.length })));
    fc.assert(
      fc.property(withPermutation, ([posts, permuted]) => {
        const newest = Math.max(...posts.map((p) => p.asOf));
        const end = fold(permuted)!;
        expect(end.asOf).toBe(newest);
        const atNewest = posts.filter((p) => p.asOf === newest);
        expect(atNewest).toContainEqual(end);
        if (atNewest.length === 1) expect(fold(posts)).toEqual(fold(permuted));
      }),
    );
  });

  it('I-8 property: only a repeat of the stored level is a duplicate, and only an older one is stale', () => {
    fc.assert(
      fc.property(postsArb, (posts) => {
        let stored: LevelPost | undefined;
        for (const p of posts) {
          const decision = compareLevel(stored, p);
          if (decision === 'duplicate') expect(p).toEqual(stored);
          if (decision === 'stale') expect(p.asOf).toBeLessThan(stored!.asOf);
          if (decision === 'apply') stored = p;
        }
      }),
    );
  });
});

describe('I-3 / I-4 / I-6 push planning', () => {
  const item = (key: string, target: number, channelQuantity: number | null, over: Partial<PushCandidate> = {}): PushCandidate => ({
    key,
    channelInventoryItemId: `item-${key}`,
    channelLocationId: 'loc-1',
    target,
    lastPushed: channelQuantity,
    channelQuantity,
    ...over,
  });

  it('I-3 sends only what differs from the store, with the compare-and-swap base, in key order', () => {
    const plan = planPush([item('c', 5, 7), item('a', 4, 4), item('b', 3, null), item('d', 0, 2)]);
    expect(plan.unchanged.map((i) => i.key)).toEqual(['a']);
    expect(plan.needsRead.map((i) => i.key)).toEqual(['b']);
    expect(plan.batches).toEqual([
      [
        { key: 'c', channelInventoryItemId: 'item-c', channelLocationId: 'loc-1', quantity: 5, changeFromQuantity: 7 },
        { key: 'd', channelInventoryItemId: 'item-d', channelLocationId: 'loc-1', quantity: 0, changeFromQuantity: 2 },
      ],
    ]);
  });

  it('I-3 turning sync on pushes nothing where the store already shows the target, even if we never pushed it', () => {
    const plan = planPush([item('a', 4, 4, { lastPushed: null })]);
    expect(plan).toEqual({ unchanged: [item('a', 4, 4, { lastPushed: null })], needsRead: [], batches: [] });
  });

  it('I-4 a store that moved under us is pushed against what the store shows, even when the target equals the last push', () => {
    expect(planPush([item('a', 5, 3, { lastPushed: 5 })]).batches).toEqual([[expect.objectContaining({ quantity: 5, changeFromQuantity: 3 })]]);
  });

  it('I-6 batches hold at most 250 quantities (Shopify per mutation)', () => {
    const items = Array.from({ length: 600 }, (_, i) => item(String(i).padStart(4, '0'), 1, 0));
    expect(planPush(items).batches.map((b) => b.length)).toEqual([MAX_QUANTITIES_PER_PUSH, MAX_QUANTITIES_PER_PUSH, 100]);
  });

  it('I-6 one inventory item at one location never appears twice in a batch: the second goes to the next', () => {
    const plan = planPush([item('a', 1, 0, { channelInventoryItemId: 'X' }), item('b', 1, 0, { channelInventoryItemId: 'X' }), item('c', 1, 0)], 250);
    expect(plan.batches.map((b) => b.map((q) => q.key))).toEqual([['a', 'c'], ['b']]);
  });

  it('I-6 the batch size must be at least 1', () => {
    expect(() => planPush([], 0)).toThrow(RangeError);
  });

  const candidateArb = fc.record({
    channelInventoryItemId: fc.constantFrom('i1', 'i2', 'i3', 'i4'),
    channelLocationId: fc.constantFrom('l1', 'l2'),
    target: fc.integer({ min: 0, max: 5 }),
    lastPushed: fc.option(fc.integer({ min: 0, max: 5 })),
    channelQuantity: fc.option(fc.integer({ min: 0, max: 5 })),
  });
  const candidatesArb = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 60 }).chain((keys) =>
    fc.tuple(...keys.map((key) => candidateArb.map((c): PushCandidate => ({ key, ...c })))),
  );

  it('I-3 / I-6 property: batches are bounded, cover exactly the changed items once, without duplicates, whatever the input order', () => {
    const arb = candidatesArb.chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length }), fc.integer({ min: 1, max: 8 })));
    fc.assert(
      fc.property(arb, ([items, shuffled, max]) => {
        const plan = planPush(items, max);
        const changed = items.filter((i) => i.channelQuantity !== null && i.channelQuantity !== i.target);
        const pushed = plan.batches.flat();
        expect(pushed.map((q) => q.key).sort()).toEqual(changed.map((i) => i.key).sort());
        for (const q of pushed) {
          const source = items.find((i) => i.key === q.key)!;
          expect(q).toEqual({ key: source.key, channelInventoryItemId: source.channelInventoryItemId, channelLocationId: source.channelLocationId, quantity: source.target, changeFromQuantity: source.channelQuantity });
        }
        for (const batch of plan.batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(max);
          expect(new Set(batch.map((q) => `${q.channelInventoryItemId}@${q.channelLocationId}`)).size).toBe(batch.length);
        }
        expect(plan.unchanged.length + plan.needsRead.length + pushed.length).toBe(items.length);
        expect(plan.needsRead.every((i) => i.channelQuantity === null)).toBe(true);
        expect(plan.unchanged.every((i) => i.channelQuantity === i.target)).toBe(true);
        expect(planPush(shuffled, max)).toEqual(plan);
      }),
    );
  });

  it('I-6 property: with the default size, batches are full but for the last when no item repeats a pair', () => {
    const arb = fc.integer({ min: 0, max: 800 }).map((n) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, channelInventoryItemId: `i${i}`, channelLocationId: 'l1', target: 1, lastPushed: null, channelQuantity: 0 })));
    fc.assert(
      fc.property(arb, (items) => {
        const sizes = planPush(items).batches.map((b) => b.length);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(items.length);
        expect(sizes.slice(0, -1).every((n) => n === MAX_QUANTITIES_PER_PUSH)).toBe(true);
        expect(sizes.every((n) => n <= MAX_QUANTITIES_PER_PUSH)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('I-5 skips', () => {
  const input = (over: Partial<ListingSyncInput> = {}, listing: Partial<ListingSyncInput['listing']> = {}): ListingSyncInput => ({
    channel: 'shopify',
    listing: { neverSync: false, productId: 'p-A', inventoryTracked: true, channelInventoryItemId: 'gid://shopify/InventoryItem/1', ...listing },
    channelLocationId: 'loc-1',
    locationMap: { WH1: 'loc-1', WH2: 'loc-2' },
    kitComponents: null,
    levels: [{ productId: 'p-A', warehouseCode: 'WH1' }],
    ...over,
  });
  const reason = (i: ListingSyncInput) => inventorySkip(i)?.reason ?? null;

  it('I-5 a linked, tracked listing at a mapped location with a WMS level is synced', () => {
    expect(inventorySkip(input())).toBeNull();
  });

  it('I-5 ShipStation connections are never synced, and say so', () => {
    expect(inventorySkip(input({ channel: 'shipstation' }))).toEqual({
      reason: 'channel_unsupported',
      message: 'ShipStation holds no stock for us: inventory sync is not supported for ShipStation connections',
    });
    expect(reason(input({ channel: 'amazon' }))).toBeNull();
  });

  it('I-5 each listing-level reason, with a message ops can act on', () => {
    expect(inventorySkip(input({}, { neverSync: true }))).toMatchObject({ reason: 'never_sync', message: expect.stringContaining('never sync') });
    expect(inventorySkip(input({}, { productId: null }))).toMatchObject({ reason: 'unlinked', message: expect.stringContaining('not linked') });
    expect(inventorySkip(input({}, { inventoryTracked: false }))).toMatchObject({ reason: 'untracked', message: expect.stringContaining('does not track inventory') });
    expect(inventorySkip(input({}, { channelInventoryItemId: null }))).toMatchObject({ reason: 'no_inventory_item', message: expect.stringContaining('no inventory item id') });
  });

  it('I-5 a location no warehouse maps to is not synced', () => {
    expect(inventorySkip(input({ channelLocationId: 'loc-9' }))).toEqual({
      reason: 'location_unmapped',
      message: 'no WMS warehouse is mapped to channel location loc-9: add it to locationMap to sync it',
    });
    expect(inventorySkip(input({ locationMap: {} }))).toMatchObject({ reason: 'location_unmapped', message: expect.stringContaining('set locationMap') });
  });

  it('I-5 no WMS level at the warehouses of the location: nothing is pushed (a level elsewhere does not count)', () => {
    expect(inventorySkip(input({ levels: [] }))).toEqual({
      reason: 'no_wms_level',
      message: 'the WMS has not posted a level for this product at warehouse WH1: nothing is pushed until it does (a product not stocked there needs a level of 0)',
    });
    expect(reason(input({ levels: [{ productId: 'p-A', warehouseCode: 'WH2' }] }))).toBe('no_wms_level');
  });

  it('I-5 a kit needs a level for every component, and the message names the missing ones', () => {
    const kitComponents = [
      { productId: 'p-CUP', sku: 'CUP' },
      { productId: 'p-LID', sku: 'LID' },
    ];
    expect(inventorySkip(input({ kitComponents, levels: [{ productId: 'p-CUP', warehouseCode: 'WH1' }] }))).toMatchObject({
      reason: 'no_wms_level',
      message: expect.stringContaining('for kit component LID'),
    });
    const both = [
      { productId: 'p-CUP', warehouseCode: 'WH1' },
      { productId: 'p-LID', warehouseCode: 'WH1' },
    ];
    expect(inventorySkip(input({ kitComponents, levels: both }))).toBeNull();
    expect(inventorySkip(input({ kitComponents: [], levels: [] }))).toBeNull();
  });

  it('I-5 the first thing to fix is named: the channel, then the listing, then the location, then the level', () => {
    const everything = input({ channel: 'shipstation', channelLocationId: 'loc-9', levels: [] }, { neverSync: true, productId: null, inventoryTracked: false, channelInventoryItemId: null });
    expect(reason(everything)).toBe('channel_unsupported');
    expect(reason({ ...everything, channel: 'shopify' })).toBe('never_sync');
    expect(reason(input({ channelLocationId: 'loc-9', levels: [] }, { channelInventoryItemId: null }))).toBe('no_inventory_item');
    expect(reason(input({ channelLocationId: 'loc-9', levels: [] }))).toBe('location_unmapped');
  });
});
