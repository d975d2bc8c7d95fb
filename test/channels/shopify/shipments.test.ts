// S-1…S-4 and OD-12 through the adapter against the emulator's fulfillment-order semantics.
import { DataError } from '../../../src/channels/errors';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { lineGid, orderGid, startHarness, type Harness } from './harness';

let h: Harness;

interface AdminOrder {
  id: number;
  line_items: { id: number; quantity: number }[];
}

async function createOrder(quantities: number[]): Promise<AdminOrder> {
  const variants = [...h.shop.variants.values()];
  const res = await h.admin.admin<AdminOrder>('POST', `/shops/${h.domain}/orders`, {
    email: 'ada@example.com',
    lineItems: quantities.map((quantity, i) => ({ variantId: variants[i]?.id, quantity })),
  });
  expect(res.status).toBe(201);
  return res.body;
}

function fulfillmentsOf(orderId: number): { tracking: { number: string | null }[]; lineItems: { quantity: number }[] }[] {
  return h.shop.orders.get(orderId)?.fulfillments ?? [];
}

beforeAll(async () => {
  h = await startHarness('ship.myshopify.com');
  seedCatalog(h.emulator.store, h.shop, { products: 5 });
});

afterAll(async () => {
  await h.close();
});

describe('shipment info to Shopify', () => {
  it('S-1 creates one fulfillment with tracking for the shipped lines', async () => {
    const order = await createOrder([2, 1]);
    const [a, b] = order.line_items;
    const result = await h.adapter().sendShipment({
      channelOrderId: orderGid(order.id),
      lines: [
        { channelLineId: lineGid(a?.id ?? 0), quantity: 2 },
        { channelLineId: lineGid(b?.id ?? 0), quantity: 1 },
      ],
      tracking: { number: '1Z999', url: 'https://track.example/1Z999', company: 'UPS' },
      notifyCustomer: false,
    });
    expect(result.status).toBe('created');
    const [f] = fulfillmentsOf(order.id);
    expect(f?.tracking).toEqual([{ number: '1Z999', url: 'https://track.example/1Z999', company: 'UPS' }]);
    expect((await h.adapter().fetchOrder(orderGid(order.id)))?.fulfillmentStatus).toBe('fulfilled');
  });

  it('S-2 sending the same tracking number again creates nothing on the channel', async () => {
    const order = await createOrder([3]);
    const line = lineGid(order.line_items[0]?.id ?? 0);
    const request = {
      channelOrderId: orderGid(order.id),
      lines: [{ channelLineId: line, quantity: 1 }],
      tracking: { number: 'TRK-ONCE', url: null, company: 'USPS' },
      notifyCustomer: false,
    };
    const first = await h.adapter().sendShipment(request);
    const second = await h.adapter().sendShipment(request);
    expect(first.status).toBe('created');
    expect(second).toEqual({ status: 'already_sent', channelFulfillmentId: first.channelFulfillmentId });
    expect(fulfillmentsOf(order.id)).toHaveLength(1);
  });

  it('S-4 partial shipments: the second package keeps the first one\'s tracking and completes the order', async () => {
    const order = await createOrder([3]);
    const line = lineGid(order.line_items[0]?.id ?? 0);
    const send = (quantity: number, number: string) =>
      h.adapter().sendShipment({ channelOrderId: orderGid(order.id), lines: [{ channelLineId: line, quantity }], tracking: { number, url: null, company: null }, notifyCustomer: false });
    await send(1, 'PKG-1');
    expect((await h.adapter().fetchOrder(orderGid(order.id)))?.fulfillmentStatus).toBe('partially_fulfilled');
    await send(2, 'PKG-2');
    expect(fulfillmentsOf(order.id).map((f) => f.tracking[0]?.number)).toEqual(['PKG-1', 'PKG-2']);
    expect((await h.adapter().fetchOrder(orderGid(order.id)))?.fulfillmentStatus).toBe('fulfilled');
  });

  it('S-3 over-fulfilment maps to data with Shopify\'s message and sends nothing', async () => {
    const order = await createOrder([1]);
    const error = await h
      .adapter()
      .sendShipment({
        channelOrderId: orderGid(order.id),
        lines: [{ channelLineId: lineGid(order.line_items[0]?.id ?? 0), quantity: 5 }],
        tracking: { number: 'TOO-MANY', url: null, company: null },
        notifyCustomer: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe('Invalid fulfillment order line item quantity requested.');
    expect(fulfillmentsOf(order.id)).toHaveLength(0);
  });

  it('S-3 lines refunded on the channel are rejected with Shopify\'s message', async () => {
    const order = await createOrder([2]);
    const lineId = order.line_items[0]?.id ?? 0;
    await h.admin.admin('POST', `/shops/${h.domain}/orders/${order.id}/refund`, { lineItems: [{ lineItemId: lineId, quantity: 2 }] });
    const error = await h
      .adapter()
      .sendShipment({ channelOrderId: orderGid(order.id), lines: [{ channelLineId: lineGid(lineId), quantity: 2 }], tracking: { number: 'R-1', url: null, company: null }, notifyCustomer: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(fulfillmentsOf(order.id)).toHaveLength(0);
  });

  it('OD-12 tags an order after import', async () => {
    const order = await createOrder([1]);
    await h.adapter().tagOrder(orderGid(order.id), ['wms-synced']);
    expect(h.shop.orders.get(order.id)?.tags).toContain('wms-synced');
    expect((await h.adapter().fetchOrder(orderGid(order.id)))?.tags).toContain('wms-synced');
  });

  it('OD-2 reads one order by id with lines, address, statuses and location', async () => {
    const order = await createOrder([2, 1]);
    const read = await h.adapter().fetchOrder(orderGid(order.id));
    const location = [...h.shop.locations.keys()][0];
    expect(read).toMatchObject({
      channelOrderId: orderGid(order.id),
      financialStatus: 'paid',
      fulfillmentStatus: 'unfulfilled',
      email: 'ada@example.com',
      locationIds: [`gid://shopify/Location/${location}`],
      cancelledAt: null,
    });
    expect(read?.lines.map((l) => [l.channelLineId, l.quantity, l.unfulfilledQuantity])).toEqual(
      order.line_items.map((l) => [lineGid(l.id), l.quantity, l.quantity]),
    );
  });
});
