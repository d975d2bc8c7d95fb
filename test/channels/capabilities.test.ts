// SPEC §2 / C-6: each channel declares what it supports; settings needing a missing capability
// are rejected with the capability named.
import { CHANNEL_CAPABILITIES, supports, unsupportedCapabilities } from '../../src/channels/capabilities';
import { createShopifyAdapter } from '../../src/channels/shopify/adapter';

describe('channel capabilities', () => {
  it('C-6 ShipStation has no inventory sync or product download; Shopify has everything', () => {
    expect(supports('shipstation', 'inventorySync')).toBe(false);
    expect(unsupportedCapabilities('shipstation', ['downloadOrders', 'inventorySync', 'downloadProducts'])).toEqual(['inventorySync', 'downloadProducts']);
    expect(unsupportedCapabilities('shopify', CHANNEL_CAPABILITIES.shopify)).toEqual([]);
    expect(supports('amazon', 'tagOrders')).toBe(false);
  });

  it('the Shopify adapter implements a method for every capability it declares', () => {
    const adapter = createShopifyAdapter({ credentials: { shop: 'caps.myshopify.com', accessToken: 't', appSecret: 's' } });
    const methods: Record<string, keyof typeof adapter> = {
      connect: 'checkConnection',
      downloadProducts: 'fetchProductsPage',
      downloadOrders: 'fetchOrdersPage',
      orderUpdates: 'fetchOrder',
      pendingPaymentHold: 'fetchOrder',
      sendShipment: 'sendShipment',
      tagOrders: 'tagOrder',
      inventorySync: 'pushInventory',
    };
    for (const capability of adapter.capabilities) expect(typeof adapter[methods[capability] as keyof typeof adapter]).toBe('function');
  });

  it('adapters refuse malformed credentials before any call', () => {
    expect(() => createShopifyAdapter({ credentials: { shop: 'not a shop', accessToken: 't', appSecret: 's' } })).toThrow(/myshopify\.com/);
  });
});
