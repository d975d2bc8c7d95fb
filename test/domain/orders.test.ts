import type { ChannelOrder, ChannelOrderLine } from '../../src/channels/types';
import { adaAddress } from './order-fixtures';
import { parseConnectionSettings, type ConnectionSettings, type ConnectionSettingsInput } from '../../src/domain/connection-settings';
import { decideIntake, missingCustomerFields, normalizeTag, sameTag, type IntakeDecision, type IntakeOrderInput } from '../../src/domain/orders';

const NOW = new Date('2026-05-15T12:00:00Z');

function settingsWith(input: ConnectionSettingsInput = {}): ConnectionSettings {
  const result = parseConnectionSettings(input, { channel: 'shopify', setupCompleted: true });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

const line = (over: Partial<ChannelOrderLine> = {}): ChannelOrderLine => ({
  channelLineId: 'gid://shopify/LineItem/1',
  sku: 'TOTE-1',
  title: 'Canvas Tote',
  quantity: 2,
  unfulfilledQuantity: 2,
  requiresShipping: true,
  ...over,
});

// Typed as the adapter's ChannelOrder: passing it to decideIntake proves the domain input is compatible.
const order = (over: Partial<ChannelOrder> = {}): ChannelOrder => ({
  channelOrderId: 'gid://shopify/Order/1001',
  orderNumber: '#1001',
  createdAt: '2026-05-14T09:00:00Z',
  updatedAt: '2026-05-14T09:00:00Z',
  cancelledAt: null,
  financialStatus: 'paid',
  fulfillmentStatus: 'unfulfilled',
  tags: [],
  email: 'ada@example.com',
  customerName: 'Ada Lovelace',
  shippingAddress: { ...adaAddress },
  locationIds: ['gid://shopify/Location/1'],
  lines: [line()],
  test: false,
  ...over,
});

const known = new Set(['TOTE-1', 'MUG-1']);
const decide = (o: IntakeOrderInput, settings: ConnectionSettings = settingsWith(), knownSkus: ReadonlySet<string> = known) =>
  decideIntake(o, settings, { now: NOW, knownSkus });

const reasonOf = (d: IntakeDecision) => (d.action === 'skip' ? d.reason : d.action);

describe('OD-3 orders that are never imported', () => {
  it('OD-3 skips a draft', () => {
    expect(decide({ ...order(), draft: true })).toMatchObject({ action: 'skip', reason: 'draft' });
  });

  it('OD-3 skips an order already cancelled at first sight', () => {
    expect(decide(order({ cancelledAt: '2026-05-14T10:00:00Z' }))).toMatchObject({ action: 'skip', reason: 'cancelled_at_first_sight' });
  });

  it('OD-3 skips an order already fulfilled elsewhere', () => {
    expect(decide(order({ fulfillmentStatus: 'fulfilled' }))).toMatchObject({ action: 'skip', reason: 'already_fulfilled' });
  });

  it('OD-3 a cancelled order is skipped as cancelled even when it also fails a filter or lacks a SKU', () => {
    const d = decide(order({ cancelledAt: '2026-05-14T10:00:00Z', financialStatus: 'voided', lines: [line({ sku: null })] }));
    expect(reasonOf(d)).toBe('cancelled_at_first_sight');
  });

  it('OD-3 every skip carries a message naming the order', () => {
    const d = decide(order({ fulfillmentStatus: 'fulfilled' }));
    expect(d.action === 'skip' && d.message).toContain('#1001');
  });
});

describe('lookback window (§3 orderFilters.lookbackDays)', () => {
  it('skips an order created before now − lookbackDays', () => {
    expect(decide(order({ createdAt: '2026-04-30T11:59:59Z' }))).toMatchObject({ action: 'skip', reason: 'outside_lookback' });
  });

  it('imports an order created exactly at the window start, and uses the configured days', () => {
    expect(decide(order({ createdAt: '2026-05-01T12:00:00Z' })).action).toBe('import');
    const narrow = settingsWith({ orderFilters: { lookbackDays: 1 } });
    expect(reasonOf(decide(order({ createdAt: '2026-05-14T11:00:00Z' }), narrow))).toBe('outside_lookback');
  });

  it('is decided against the `now` passed in, never the clock', () => {
    const o = order({ createdAt: '2020-01-01T00:00:00Z' });
    expect(reasonOf(decideIntake(o, settingsWith(), { now: new Date('2020-01-02T00:00:00Z'), knownSkus: known }))).toBe('import');
    expect(reasonOf(decide(o))).toBe('outside_lookback');
  });
});

describe('OD-4 financial status filter and pending payment', () => {
  it('OD-4 skips a financial status the connection does not import', () => {
    for (const financialStatus of ['refunded', 'voided', 'expired', 'unknown', 'partially_paid'] as const) {
      expect(decide(order({ financialStatus }))).toMatchObject({ action: 'skip', reason: 'financial_status_filtered' });
    }
  });

  it('OD-4 skips pending and authorized orders unless the setting includes them', () => {
    expect(reasonOf(decide(order({ financialStatus: 'pending' })))).toBe('financial_status_filtered');
    expect(reasonOf(decide(order({ financialStatus: 'authorized' })))).toBe('financial_status_filtered');
  });

  it('OD-4 holds an authorized order in pending_payment', () => {
    const settings = settingsWith({ orderFilters: { financialStatuses: ['paid', 'authorized'] } });
    expect(decide(order({ financialStatus: 'authorized' }), settings)).toMatchObject({ action: 'import', status: 'pending_payment', holdReason: null });
  });

  it('OD-4 holds a pending order in pending_payment', () => {
    const settings = settingsWith({ orderFilters: { financialStatuses: ['pending', 'paid'] } });
    expect(decide(order({ financialStatus: 'pending' }), settings)).toMatchObject({ action: 'import', status: 'pending_payment' });
  });

  it('OD-4 a paid order with no hold is open', () => {
    expect(decide(order())).toMatchObject({ action: 'import', status: 'open', holdReason: null, holdReasons: [] });
  });
});

describe('fulfillment status filter (§3)', () => {
  it('never imports Shopify scheduled or on_hold orders until they are unfulfilled', () => {
    expect(reasonOf(decide(order({ fulfillmentStatus: 'scheduled' })))).toBe('fulfillment_status_filtered');
    expect(reasonOf(decide(order({ fulfillmentStatus: 'on_hold' })))).toBe('fulfillment_status_filtered');
    expect(reasonOf(decide(order({ fulfillmentStatus: 'unknown' })))).toBe('fulfillment_status_filtered');
  });

  it('skips partially fulfilled orders when only unfulfilled ones are chosen', () => {
    const settings = settingsWith({ orderFilters: { fulfillmentStatuses: ['unfulfilled'] } });
    expect(reasonOf(decide(order({ fulfillmentStatus: 'partially_fulfilled' }), settings))).toBe('fulfillment_status_filtered');
  });

  it('imports a partially fulfilled order with only the units still to ship', () => {
    const o = order({
      fulfillmentStatus: 'partially_fulfilled',
      lines: [line({ quantity: 3, unfulfilledQuantity: 1 }), line({ channelLineId: 'L2', sku: 'MUG-1', quantity: 1, unfulfilledQuantity: 0 })],
    });
    const d = decide(o);
    expect(d.action === 'import' && d.lines.map((l) => [l.sku, l.quantity, l.quantityToShip])).toEqual([
      ['TOTE-1', 3, 1],
      ['MUG-1', 1, 0],
    ]);
  });
});

describe('OD-9 monitored locations', () => {
  const monitored = settingsWith({ orderFilters: { locationIds: ['loc-A'] } });

  it('OD-9 skips an order only in locations the connection does not monitor', () => {
    const d = decide(order({ locationIds: ['loc-B'] }), monitored);
    expect(d).toMatchObject({ action: 'skip', reason: 'location_not_monitored' });
    expect(d.action === 'skip' && d.message).toContain('loc-B');
    expect(reasonOf(decide(order({ locationIds: [] }), monitored))).toBe('location_not_monitored');
  });

  it('OD-9 imports an order with at least one monitored location, and any order when all are monitored', () => {
    expect(decide(order({ locationIds: ['loc-B', 'loc-A'] }), monitored).action).toBe('import');
    expect(decide(order({ locationIds: ['loc-B'] })).action).toBe('import');
  });
});

describe('OD-5 tag rules', () => {
  const rules = settingsWith({ tagRules: [{ tag: 'fraud', action: 'do_not_download' }, { tag: 'FraudReview', action: 'hold' }, { tag: 'VIP check', action: 'hold' }] });

  it('OD-5 do_not_download skips the order naming the tag', () => {
    const d = decide(order({ tags: ['gift', 'fraud'] }), rules);
    expect(d).toMatchObject({ action: 'skip', reason: 'tag_do_not_download', tag: 'fraud' });
    expect(d.action === 'skip' && d.message).toContain('"fraud"');
  });

  it('OD-5 hold puts the order on hold with the rule\'s tag as reason', () => {
    expect(decide(order({ tags: ['FraudReview'] }), rules)).toMatchObject({ action: 'import', status: 'on_hold', holdReason: 'tag:FraudReview' });
  });

  it('OD-5 tags are compared case-insensitively and trimmed, as Shopify tags are', () => {
    expect(decide(order({ tags: ['  fraudreview '] }), rules)).toMatchObject({ status: 'on_hold', holdReason: 'tag:FraudReview' });
    expect(decide(order({ tags: [' FRAUD'] }), rules)).toMatchObject({ action: 'skip', reason: 'tag_do_not_download', tag: 'fraud' });
    // Only the ends are trimmed: spaces inside a tag are part of it.
    expect(decide(order({ tags: ['vip  check'] }), rules)).toMatchObject({ status: 'open' });
  });

  it('OD-5 do_not_download wins over a hold tag, and over a financial filter', () => {
    expect(reasonOf(decide(order({ tags: ['FraudReview', 'fraud'] }), rules))).toBe('tag_do_not_download');
    expect(reasonOf(decide(order({ tags: ['fraud'], financialStatus: 'pending' }), rules))).toBe('tag_do_not_download');
  });

  it('OD-5 several hold tags: the first configured rule is the reason, all are listed', () => {
    const d = decide(order({ tags: ['vip check', 'fraudreview'] }), rules);
    expect(d).toMatchObject({ holdReason: 'tag:FraudReview', holdReasons: ['tag:FraudReview', 'tag:VIP check'] });
  });
});

describe('OD-7 missing customer data', () => {
  it('OD-7 holds an order without shipping address with missing_customer_data', () => {
    expect(decide(order({ shippingAddress: null }))).toMatchObject({ action: 'import', status: 'on_hold', holdReason: 'missing_customer_data' });
  });

  it('OD-7 holds an order with no name anywhere (protected customer data withheld)', () => {
    const o = order({ customerName: null });
    const d = decide({ ...o, shippingAddress: { ...o.shippingAddress!, name: '  ' } });
    expect(d).toMatchObject({ holdReason: 'missing_customer_data' });
  });

  it('OD-7 a name on the shipping address is enough', () => {
    expect(decide(order({ customerName: null }))).toMatchObject({ status: 'open' });
  });

  it('OD-7 a blank city or country holds it, and the missing fields are named for the log', () => {
    const o = order();
    const partial = { ...o, shippingAddress: { ...o.shippingAddress!, city: ' ', countryCode: null } };
    expect(decide(partial)).toMatchObject({ holdReason: 'missing_customer_data' });
    expect(missingCustomerFields(partial)).toEqual(['shipping city', 'shipping country']);
    expect(missingCustomerFields(order({ customerName: null, shippingAddress: null }))).toEqual([
      'customer name',
      'shipping address line 1',
      'shipping city',
      'shipping country',
    ]);
  });
});

describe('OD-6 lines and missing products', () => {
  const unknownLine = line({ channelLineId: 'L9', sku: 'NEW-1', title: 'New Thing' });
  const off = (policy: 'create' | 'partial' | 'hold') => settingsWith({ downloadProducts: false, missingProductPolicy: policy });

  it('OD-6 a line without SKU is an error naming the line', () => {
    const d = decide(order({ lines: [line(), line({ channelLineId: 'gid://shopify/LineItem/7', sku: '  ', title: 'Gift wrap' })] }));
    expect(d).toEqual({ action: 'error', code: 'sku_missing', message: 'SKU does not exist for line Gift wrap (gid://shopify/LineItem/7)' });
  });

  it('OD-6 with downloadProducts on, unknown SKUs are products to create first (once each)', () => {
    const d = decide(order({ lines: [line(), unknownLine, { ...unknownLine, channelLineId: 'L10' }] }), settingsWith({ missingProductPolicy: 'hold' }));
    expect(d).toMatchObject({ action: 'import', status: 'open', createProducts: ['NEW-1'], omittedLines: [] });
    expect(d.action === 'import' && d.lines).toHaveLength(3);
  });

  it('OD-6 policy create creates the missing products', () => {
    expect(decide(order({ lines: [line(), unknownLine] }), off('create'))).toMatchObject({ status: 'open', createProducts: ['NEW-1'] });
  });

  it('OD-6 policy partial imports only the known lines and keeps the others aside', () => {
    const d = decide(order({ lines: [line(), unknownLine] }), off('partial'));
    expect(d).toMatchObject({ action: 'import', status: 'open', createProducts: [] });
    expect(d.action === 'import' && [d.lines.map((l) => l.sku), d.omittedLines.map((l) => l.sku)]).toEqual([['TOTE-1'], ['NEW-1']]);
  });

  it('OD-6 policy partial holds an order with no known line at all', () => {
    const d = decide(order({ lines: [unknownLine] }), off('partial'));
    expect(d).toMatchObject({ action: 'import', status: 'on_hold', holdReason: 'missing_products', omittedLines: [] });
    expect(d.action === 'import' && d.lines.map((l) => l.sku)).toEqual(['NEW-1']);
  });

  it('OD-6 policy hold holds the order', () => {
    expect(decide(order({ lines: [line(), unknownLine] }), off('hold'))).toMatchObject({ status: 'on_hold', holdReason: 'missing_products', createProducts: [] });
  });

  it('OD-6 known SKUs need nothing, and SKUs are trimmed before lookup', () => {
    expect(decide(order({ lines: [line({ sku: ' TOTE-1 ' })] }), off('hold'))).toMatchObject({ status: 'open', createProducts: [] });
  });

  it('OD-6 lines that do not ship (gift cards) are not warehouse work and need no SKU', () => {
    const d = decide(order({ lines: [line(), line({ channelLineId: 'GC', sku: null, title: 'Gift card', requiresShipping: false })] }));
    expect(d.action === 'import' && d.lines.map((l) => l.channelLineId)).toEqual(['gid://shopify/LineItem/1']);
  });

  it('an order with nothing left to ship is skipped with no_shippable_lines', () => {
    expect(reasonOf(decide(order({ lines: [line({ sku: null, requiresShipping: false })] })))).toBe('no_shippable_lines');
    expect(reasonOf(decide(order({ lines: [line({ quantity: 0, unfulfilledQuantity: 0 })] })))).toBe('no_shippable_lines');
    expect(reasonOf(decide(order({ fulfillmentStatus: 'partially_fulfilled', lines: [line({ unfulfilledQuantity: 0 })] })))).toBe('no_shippable_lines');
  });
});

describe('precedence of intake outcomes', () => {
  const settings = settingsWith({
    downloadProducts: false,
    missingProductPolicy: 'hold',
    orderFilters: { financialStatuses: ['paid', 'pending'] },
    tagRules: [{ tag: 'FraudReview', action: 'hold' }],
  });
  const unknown = line({ sku: 'NEW-1' });

  it('OD-4/OD-5 pending payment never hides a fraud hold', () => {
    expect(decide(order({ financialStatus: 'pending', tags: ['FraudReview'] }), settings)).toMatchObject({ status: 'on_hold', holdReason: 'tag:FraudReview' });
  });

  it('OD-5 before OD-7 before OD-6 before OD-4: every applicable hold is listed in that order', () => {
    const d = decide(order({ financialStatus: 'pending', tags: ['FraudReview'], shippingAddress: null, lines: [unknown] }), settings);
    expect(d).toMatchObject({ status: 'on_hold', holdReason: 'tag:FraudReview', holdReasons: ['tag:FraudReview', 'missing_customer_data', 'missing_products'] });
  });

  it('OD-7 missing customer data shows before missing products and pending payment', () => {
    expect(decide(order({ financialStatus: 'pending', shippingAddress: null, lines: [unknown] }), settings)).toMatchObject({ holdReason: 'missing_customer_data' });
    expect(decide(order({ financialStatus: 'pending', lines: [unknown] }), settings)).toMatchObject({ status: 'on_hold', holdReason: 'missing_products' });
  });

  it('OD-6 a line without SKU is an error even when a hold would apply; skips still come first', () => {
    expect(decide(order({ tags: ['FraudReview'], lines: [line({ sku: null })] }), settings).action).toBe('error');
    expect(reasonOf(decide(order({ financialStatus: 'refunded', lines: [line({ sku: null })] }), settings))).toBe('financial_status_filtered');
  });
});

// ---- property-style checks over generated orders (seeded, so a failure reproduces)

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generated(count: number): { order: ChannelOrder; settings: ConnectionSettings }[] {
  const next = random(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const financial = ['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided', 'expired', 'unknown'] as const;
  const fulfillment = ['unfulfilled', 'partially_fulfilled', 'fulfilled', 'scheduled', 'on_hold', 'unknown'] as const;
  const policies = ['create', 'partial', 'hold'] as const;
  const cases = [];
  for (let i = 0; i < count; i++) {
    const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, n) =>
      line({
        channelLineId: `L${n}`,
        sku: pick(['TOTE-1', 'MUG-1', 'NEW-1', null, ' ']),
        quantity: pick([0, 1, 2]),
        unfulfilledQuantity: pick([0, 1, 2]),
        requiresShipping: next() < 0.9,
      }),
    );
    const base = order();
    cases.push({
      order: order({
        financialStatus: pick(financial),
        fulfillmentStatus: pick(fulfillment),
        cancelledAt: next() < 0.1 ? '2026-05-14T10:00:00Z' : null,
        createdAt: pick(['2026-05-14T09:00:00Z', '2026-04-01T00:00:00Z']),
        tags: [pick(['', 'fraud', 'FraudReview', 'gift'])].filter(Boolean),
        customerName: pick(['Ada', null]),
        shippingAddress: next() < 0.2 ? null : base.shippingAddress,
        locationIds: [pick(['loc-A', 'loc-B'])],
        lines,
      }),
      settings: settingsWith({
        downloadProducts: next() < 0.5,
        missingProductPolicy: pick(policies),
        orderFilters: { financialStatuses: next() < 0.5 ? ['paid'] : ['paid', 'pending', 'authorized'], locationIds: next() < 0.5 ? 'all' : ['loc-A'] },
        tagRules: [
          { tag: 'fraud', action: 'do_not_download' },
          { tag: 'FraudReview', action: 'hold' },
        ],
      }),
    });
  }
  return cases;
}

function shapeProblem(d: IntakeDecision): string | null {
  const keys = Object.keys(d).sort().join(',');
  switch (d.action) {
    case 'skip':
      return ['action,message,reason', 'action,message,reason,tag'].includes(keys) ? null : `skip with ${keys}`;
    case 'error':
      return keys === 'action,code,message' && d.message.startsWith('SKU does not exist for line ') ? null : `error with ${keys}`;
    case 'import':
      if (keys !== 'action,createProducts,holdReason,holdReasons,lines,omittedLines,status') return `import with ${keys}`;
      if ((d.status === 'on_hold') !== (d.holdReason !== null)) return `status ${d.status} with hold ${d.holdReason}`;
      if (d.holdReason !== (d.holdReasons[0] ?? null)) return 'holdReason is not the first of holdReasons';
      if (d.lines.length === 0) return 'imported with no line';
      return null;
  }
}

describe('intake properties over generated orders', () => {
  const cases = generated(2000);

  it('every decideIntake result is exactly one of skip / import / error, well formed', () => {
    const problems = cases.map(({ order: o, settings }) => shapeProblem(decide(o, settings))).filter((p) => p !== null);
    expect(problems).toEqual([]);
    const actions = new Set(cases.map(({ order: o, settings }) => decide(o, settings).action));
    expect([...actions].sort()).toEqual(['error', 'import', 'skip']);
  });

  it('decideIntake is deterministic and does not mutate its input', () => {
    for (const { order: o, settings } of cases.slice(0, 300)) {
      const copy = structuredClone(o);
      expect(decide(o, settings)).toEqual(decide(copy, settings));
      expect(o).toEqual(copy);
    }
  });

  it('OD-5 tag comparison ignores case and surrounding whitespace', () => {
    const variants = (tag: string) => [tag, tag.toUpperCase(), tag.toLowerCase(), `  ${tag}\t`, ` ${tag.toUpperCase()} `];
    for (const { order: o, settings } of cases.slice(0, 500)) {
      const expected = decide(o, settings);
      for (const i of [0, 1, 2, 3, 4]) {
        const retagged = { ...o, tags: o.tags.map((t) => variants(t)[i]!) };
        expect(decide(retagged, settings)).toEqual(expected);
      }
    }
    expect(sameTag(' FraudReview ', 'fraudreview')).toBe(true);
    expect(normalizeTag('\tVIP ')).toBe('vip');
  });

  it('OD-4 an imported order is pending_payment only when awaiting payment and nothing holds it', () => {
    for (const { order: o, settings } of cases) {
      const d = decide(o, settings);
      if (d.action !== 'import') continue;
      const awaiting = o.financialStatus === 'pending' || o.financialStatus === 'authorized';
      expect(d.status).toBe(d.holdReasons.length > 0 ? 'on_hold' : awaiting ? 'pending_payment' : 'open');
    }
  });
});
