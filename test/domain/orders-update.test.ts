import type { ChannelOrder } from '../../src/channels/types';
import { adaAddress } from './order-fixtures';
import { parseConnectionSettings, type ConnectionSettingsInput } from '../../src/domain/connection-settings';
import { decideUpdate, ORDER_STATUSES, type OrderStatus, type StoredOrder, type UpdateSettings } from '../../src/domain/orders';

function settingsWith(input: ConnectionSettingsInput = {}): UpdateSettings {
  const result = parseConnectionSettings(input, { channel: 'shopify', setupCompleted: true });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

const settings = settingsWith({
  orderFilters: { financialStatuses: ['paid', 'pending', 'authorized'] },
  tagRules: [
    { tag: 'FraudReview', action: 'hold' },
    { tag: 'Gift check', action: 'hold' },
  ],
});

const address = adaAddress;

const stored = (over: Partial<StoredOrder> = {}): StoredOrder => ({
  orderNumber: '#1001',
  status: 'open',
  holdReason: null,
  tags: ['gift'],
  customerName: 'Ada Lovelace',
  shippingAddress: address,
  lines: [{ channelLineId: 'L1', sku: 'TOTE-1', quantity: 2 }],
  channelUpdatedAt: '2026-05-14T09:00:00Z',
  ...over,
});

// The re-downloaded order as the adapter gives it (typed ChannelOrder: the domain input is compatible).
const incoming = (over: Partial<ChannelOrder> = {}): ChannelOrder => ({
  channelOrderId: 'gid://shopify/Order/1001',
  orderNumber: '#1001',
  createdAt: '2026-05-14T08:00:00Z',
  updatedAt: '2026-05-14T10:00:00Z',
  cancelledAt: null,
  financialStatus: 'paid',
  fulfillmentStatus: 'unfulfilled',
  tags: ['gift'],
  email: null,
  customerName: 'Ada Lovelace',
  shippingAddress: address,
  locationIds: ['loc-A'],
  lines: [{ channelLineId: 'L1', sku: 'TOTE-1', title: 'Canvas Tote', quantity: 2, unfulfilledQuantity: 2, requiresShipping: true }],
  test: false,
  ...over,
});

const newAddress = { ...address, address1: '1 Infinite Loop', city: 'Cupertino', countryCode: 'US' };
const cancelled = incoming({ cancelledAt: '2026-05-14T10:00:00Z' });

describe('OD-1 dedupe by (channel order id, updated-at)', () => {
  it('OD-1 ignores an older version, and one of the same second with nothing changed', () => {
    expect(decideUpdate(stored(), incoming({ updatedAt: '2026-05-14T09:00:00Z' }), settings)).toEqual({ action: 'ignore_duplicate' });
    expect(decideUpdate(stored(), incoming({ updatedAt: '2026-05-14T08:59:59Z', shippingAddress: newAddress }), settings)).toEqual({ action: 'ignore_duplicate' });
    expect(decideUpdate(stored(), incoming({ updatedAt: '2026-05-14T08:59:59Z', cancelledAt: '2026-05-14T08:59:59Z' }), settings)).toEqual({
      action: 'ignore_duplicate',
    });
  });

  it('OD-1 a change within the same second as the stored version is still applied (second-precision stamps)', () => {
    const sameSecond = '2026-05-14T09:00:00Z';
    expect(decideUpdate(stored(), incoming({ updatedAt: sameSecond, shippingAddress: newAddress }), settings).action).toBe('apply');
    expect(decideUpdate(stored(), incoming({ updatedAt: sameSecond, cancelledAt: sameSecond }), settings).action).toBe('cancel');
    const pending = stored({ status: 'pending_payment', financialStatus: 'pending' });
    expect(decideUpdate(pending, incoming({ updatedAt: sameSecond }), settings)).toMatchObject({ action: 'apply', newStatus: 'open' });
    expect(decideUpdate(pending, incoming({ updatedAt: sameSecond, financialStatus: 'pending' }), settings)).toEqual({ action: 'ignore_duplicate' });
  });

  it('OD-1 compares instants, not strings, and accepts the stored time as a Date', () => {
    const s = stored({ channelUpdatedAt: new Date('2026-05-14T09:00:00Z') });
    expect(decideUpdate(s, incoming({ updatedAt: '2026-05-14T11:00:00+02:00' }), settings)).toEqual({ action: 'ignore_duplicate' });
    expect(decideUpdate(s, incoming({ updatedAt: '2026-05-14T09:00:01Z', shippingAddress: newAddress }), settings).action).toBe('apply');
  });

  it('OD-1 a newer version with nothing the WMS uses changed is ignored with a reason', () => {
    expect(decideUpdate(stored(), incoming(), settings)).toMatchObject({ action: 'ignore', reason: 'no_relevant_change' });
  });
});

describe('O-5 cancellation from the channel', () => {
  it.each<OrderStatus>(['pending_payment', 'on_hold', 'open'])('O-5 cancels an order the WMS has not started (%s)', (status) => {
    expect(decideUpdate(stored({ status, holdReason: status === 'on_hold' ? 'tag:FraudReview' : null }), cancelled, settings)).toEqual({ action: 'cancel' });
  });

  it.each<OrderStatus>(['in_progress', 'partially_shipped'])('O-5 only requests cancellation once the WMS started (%s)', (status) => {
    expect(decideUpdate(stored({ status }), cancelled, settings)).toEqual({ action: 'cancel_requested' });
  });

  it('O-5 a shipped order cannot be cancelled: ignored with a message for ops', () => {
    expect(decideUpdate(stored({ status: 'shipped' }), cancelled, settings)).toEqual({
      action: 'ignore',
      reason: 'order_closed',
      message: 'order #1001 is shipped; it cannot be cancelled',
    });
  });

  it('O-5 a repeated cancellation changes nothing', () => {
    expect(decideUpdate(stored({ status: 'cancelled' }), cancelled, settings)).toMatchObject({ action: 'ignore', reason: 'cancel_already_recorded' });
    expect(decideUpdate(stored({ status: 'cancel_requested' }), cancelled, settings)).toMatchObject({ action: 'ignore', reason: 'cancel_already_recorded' });
  });

  it('O-5 cancellation wins over other changes in the same version', () => {
    expect(decideUpdate(stored(), { ...cancelled, shippingAddress: newAddress, tags: ['FraudReview'] }, settings)).toEqual({ action: 'cancel' });
  });
});

describe('OD-8 changes while the WMS has not started the order', () => {
  it('OD-8 applies a new shipping address to an open order', () => {
    expect(decideUpdate(stored(), incoming({ shippingAddress: newAddress }), settings)).toEqual({ action: 'apply', changes: { shippingAddress: newAddress } });
  });

  it('OD-8 applies changed tags and lines, naming only what changed', () => {
    const lines = [
      { channelLineId: 'L1', sku: 'TOTE-1', title: 'Canvas Tote', quantity: 1, unfulfilledQuantity: 1, requiresShipping: true },
      { channelLineId: 'L2', sku: 'MUG-1', title: 'Mug', quantity: 1, unfulfilledQuantity: 1, requiresShipping: true },
    ];
    const d = decideUpdate(stored(), incoming({ tags: ['gift', ' rush '], lines }), settings);
    expect(d).toEqual({
      action: 'apply',
      changes: {
        tags: ['gift', 'rush'],
        lines: [
          { channelLineId: 'L1', sku: 'TOTE-1', title: 'Canvas Tote', quantity: 1, quantityToShip: 1 },
          { channelLineId: 'L2', sku: 'MUG-1', title: 'Mug', quantity: 1, quantityToShip: 1 },
        ],
      },
    });
  });

  it('OD-8 a removed line is a change', () => {
    const d = decideUpdate(stored({ lines: [...stored().lines, { channelLineId: 'L2', sku: 'MUG-1', quantity: 1 }] }), incoming(), settings);
    expect(d.action === 'apply' && Object.keys(d.changes)).toEqual(['lines']);
  });

  it('OD-8 reordered or re-cased tags, padded address fields and a falling unfulfilled quantity are no change', () => {
    const s = stored({ tags: ['Gift', 'VIP'] });
    const i = incoming({
      tags: ['vip ', 'gift'],
      shippingAddress: { ...address, city: ' London ', address2: '' },
      lines: [{ channelLineId: 'L1', sku: 'TOTE-1', title: 'Canvas Tote', quantity: 2, unfulfilledQuantity: 0, requiresShipping: true }],
    });
    expect(decideUpdate(s, i, settings)).toMatchObject({ action: 'ignore', reason: 'no_relevant_change' });
  });

  it('OD-4 payment cleared moves a pending_payment order to open', () => {
    expect(decideUpdate(stored({ status: 'pending_payment' }), incoming({ financialStatus: 'paid' }), settings)).toEqual({
      action: 'apply',
      changes: {},
      newStatus: 'open',
      holdReason: null,
    });
  });

  it('OD-4 a voided authorisation is not a cleared payment: the order keeps waiting', () => {
    expect(decideUpdate(stored({ status: 'pending_payment' }), incoming({ financialStatus: 'voided' }), settings)).toMatchObject({ action: 'ignore' });
    expect(decideUpdate(stored({ status: 'pending_payment' }), incoming({ financialStatus: 'authorized' }), settings)).toMatchObject({ action: 'ignore' });
  });

  it('OD-5 a hold tag added to an open or pending order holds it', () => {
    expect(decideUpdate(stored(), incoming({ tags: ['gift', 'fraudreview'] }), settings)).toEqual({
      action: 'apply',
      changes: { tags: ['gift', 'fraudreview'] },
      newStatus: 'on_hold',
      holdReason: 'tag:FraudReview',
    });
    expect(decideUpdate(stored({ status: 'pending_payment' }), incoming({ tags: ['FraudReview'] }), settings)).toMatchObject({ newStatus: 'on_hold' });
  });

  it('OD-5 a hold tag added in the same version as the payment clears still holds the order', () => {
    expect(decideUpdate(stored({ status: 'pending_payment' }), incoming({ tags: ['FraudReview'], financialStatus: 'paid' }), settings)).toMatchObject({
      newStatus: 'on_hold',
      holdReason: 'tag:FraudReview',
    });
  });

  it('OD-5 removing the hold tag releases the tag hold', () => {
    const held = stored({ status: 'on_hold', holdReason: 'tag:FraudReview', tags: ['gift', 'FraudReview'] });
    expect(decideUpdate(held, incoming({ tags: ['gift'] }), settings)).toEqual({ action: 'apply', changes: { tags: ['gift'] }, newStatus: 'open', holdReason: null });
  });

  it('OD-5 released from a tag hold, an unpaid order waits for payment and another hold tag still holds', () => {
    const held = stored({ status: 'on_hold', holdReason: 'tag:FraudReview', tags: ['FraudReview', 'Gift check'] });
    expect(decideUpdate(held, incoming({ tags: ['Gift check'] }), settings)).toMatchObject({ newStatus: 'on_hold', holdReason: 'tag:Gift check' });
    const unpaid = stored({ status: 'on_hold', holdReason: 'tag:FraudReview', tags: ['FraudReview'] });
    expect(decideUpdate(unpaid, incoming({ tags: [], financialStatus: 'authorized' }), settings)).toMatchObject({ newStatus: 'pending_payment', holdReason: null });
  });

  it('OD-5 a hold released by ops is not placed again by a re-download that still carries the tag', () => {
    const released = stored({ status: 'open', tags: ['FraudReview'] });
    expect(decideUpdate(released, incoming({ tags: ['FraudReview'], shippingAddress: newAddress }), settings)).toEqual({
      action: 'apply',
      changes: { shippingAddress: newAddress },
    });
  });

  it('OD-7 customer data arriving later releases a missing_customer_data hold', () => {
    const held = stored({ status: 'on_hold', holdReason: 'missing_customer_data', shippingAddress: null, customerName: null });
    expect(decideUpdate(held, incoming(), settings)).toEqual({
      action: 'apply',
      changes: { shippingAddress: address, customerName: 'Ada Lovelace' },
      newStatus: 'open',
      holdReason: null,
    });
  });

  it('OD-7 customer data that goes missing holds an open order', () => {
    expect(decideUpdate(stored(), incoming({ shippingAddress: null }), settings)).toMatchObject({ newStatus: 'on_hold', holdReason: 'missing_customer_data' });
  });

  it('O-7 holds placed by ops and OD-6 missing-product holds are released by ops, not by channel changes', () => {
    for (const holdReason of ['ops:call customer', 'missing_products'] as const) {
      expect(decideUpdate(stored({ status: 'on_hold', holdReason }), incoming({ shippingAddress: newAddress }), settings)).toEqual({
        action: 'apply',
        changes: { shippingAddress: newAddress },
      });
    }
  });
});

describe('OD-8 do-not-update-when-started', () => {
  it.each<OrderStatus>(['in_progress', 'partially_shipped', 'cancel_requested'])('OD-8 warns and applies nothing once the WMS started (%s)', (status) => {
    const d = decideUpdate(stored({ status }), incoming({ shippingAddress: newAddress, tags: ['gift', 'rush'] }), settings);
    expect(d).toEqual({
      action: 'warn_not_applied',
      changes: ['shippingAddress', 'tags'],
      message: `order #1001 is ${status} in the WMS; channel changes to shipping address, tags were not applied`,
    });
  });

  it('OD-8 a hold tag added after the WMS started is called out so ops can stop the order', () => {
    const d = decideUpdate(stored({ status: 'in_progress' }), incoming({ tags: ['gift', 'FraudReview'] }), settings);
    expect(d).toMatchObject({ action: 'warn_not_applied', changes: ['tags'] });
    expect(d.action === 'warn_not_applied' && d.message).toContain('It would now be held (tag:FraudReview)');
  });

  it('OD-8 our own partial shipment lowering the unfulfilled quantity raises no warning', () => {
    const i = incoming({ lines: [{ channelLineId: 'L1', sku: 'TOTE-1', title: 'Canvas Tote', quantity: 2, unfulfilledQuantity: 1, requiresShipping: true }] });
    expect(decideUpdate(stored({ status: 'partially_shipped' }), i, settings)).toMatchObject({ action: 'ignore', reason: 'no_relevant_change' });
  });

  it('a terminal order records later changes only', () => {
    expect(decideUpdate(stored({ status: 'shipped' }), incoming({ shippingAddress: newAddress }), settings)).toMatchObject({ action: 'ignore', reason: 'order_closed' });
    expect(decideUpdate(stored({ status: 'cancelled' }), incoming({ tags: [] }), settings)).toMatchObject({ action: 'ignore', reason: 'order_closed' });
  });
});

describe('update properties', () => {
  it('only not-started orders ever get changes applied, and only started ones get warnings', () => {
    const variants = [incoming({ shippingAddress: newAddress }), incoming({ tags: ['FraudReview'] }), incoming({ financialStatus: 'paid', lines: [] }), cancelled];
    for (const status of ORDER_STATUSES) {
      for (const version of variants) {
        const d = decideUpdate(stored({ status, holdReason: status === 'on_hold' ? 'ops:check' : null }), version, settings);
        const notStarted = ['pending_payment', 'on_hold', 'open'].includes(status);
        if (d.action === 'apply' || d.action === 'cancel') expect(notStarted).toBe(true);
        if (d.action === 'warn_not_applied' || d.action === 'cancel_requested') expect(['in_progress', 'partially_shipped', 'cancel_requested']).toContain(status);
      }
    }
  });

  it('OD-1 the same version processed twice: the second time is a duplicate', () => {
    const after = [
      { version: incoming({ shippingAddress: newAddress }), stored: { shippingAddress: newAddress } },
      { version: cancelled, stored: { status: 'cancelled' as const } },
      { version: incoming({ tags: ['FraudReview'] }), stored: { tags: ['FraudReview'], status: 'on_hold' as const, holdReason: 'tag:FraudReview' as const } },
    ];
    for (const { version, stored: processed } of after) {
      expect(decideUpdate(stored({ channelUpdatedAt: version.updatedAt, ...processed }), version, settings)).toEqual({ action: 'ignore_duplicate' });
    }
  });
});
