// A released order as the WMS receives it (O-1), for the outbound webhook and WMS simulator tests.
// Ids, names and addresses are made up.
import type { WmsOrder } from '../../src/wms/outbound-webhook';
import { adaAddress } from '../domain/order-fixtures';

export function wmsOrder(overrides: Partial<WmsOrder> = {}): WmsOrder {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    connectionId: '00000000-0000-4000-8000-0000000000c1',
    channel: 'shopify',
    channelOrderId: 'gid://shopify/Order/1001',
    orderNumber: '#1001',
    status: 'open',
    holdReason: null,
    customerName: 'Ada Lovelace',
    email: 'ada@example.test',
    phone: null,
    shippingAddress: adaAddress,
    lines: [
      { id: '00000000-0000-4000-8000-0000000000a1', sku: 'MUG-BLUE', title: 'Blue mug', quantity: 2 },
      { id: '00000000-0000-4000-8000-0000000000a2', sku: 'TEE-M', title: 'T-shirt M', quantity: 1 },
    ],
    ...overrides,
  };
}
