import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { connections, listings, orders, products, shipments, webhookReceipts } from '../../src/db/schema';
import { createTestDatabase, pgErrorOf, queryRows } from '../helpers/db';

const SPEC_TABLES = [
  'api_tokens',
  'connection_credentials',
  'connections',
  'integration_events',
  'inventory_levels',
  'kit_components',
  'listings',
  'order_lines',
  'orders',
  'products',
  'shipment_lines',
  'shipments',
  'sync_cursors',
  'webhook_receipts',
];

let handle: DatabaseHandle;
let connectionId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const [row] = await handle.db
    .insert(connections)
    .values({ channel: 'shopify', clientCode: 'ACME', warehouseCode: 'WH1', storeIdentity: 'acme.myshopify.com' })
    .returning();
  connectionId = row!.id;
});
afterAll(() => handle.close());

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return pgErrorOf(error);
  }
  throw new Error('expected the statement to be rejected');
}

async function insertOrder(channelOrderId: string) {
  const [row] = await handle.db
    .insert(orders)
    .values({ connectionId, channelOrderId, orderNumber: '#1001', status: 'open', channelUpdatedAt: new Date() })
    .returning();
  return row!;
}

describe('§10 schema: migrations applied to an empty database', () => {
  it('creates every table of SPEC §10', async () => {
    const rows = await queryRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(SPEC_TABLES));
  });

  it('uses timestamptz for every timestamp column', async () => {
    const rows = await queryRows<{ column: string; data_type: string }>(
      handle.db,
      sql`select table_name || '.' || column_name as column, data_type from information_schema.columns
          where table_schema = 'public' and data_type like 'timestamp%'`,
    );
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.data_type !== 'timestamp with time zone')).toEqual([]);
  });

  it('stores statuses as Postgres enums that refuse unknown values', async () => {
    const error = await rejection(
      handle.db.execute(
        sql`insert into orders (connection_id, channel_order_id, order_number, status, channel_updated_at)
            values (${connectionId}, 'x-1', '#1', 'teleported', now())`,
      ),
    );
    expect(error.code).toBe('22P02'); // invalid_text_representation: not a label of order_status
  });

  it('applying the migrations again changes nothing', async () => {
    await expect(handle.migrate()).resolves.toBeUndefined();
  });
});

describe('§10 idempotency keys', () => {
  it('rejects a second order with the same (connection, channel order id)', async () => {
    await insertOrder('gid://shopify/Order/1');
    const error = await rejection(insertOrder('gid://shopify/Order/1'));
    expect(error).toMatchObject({ code: '23505', constraint: 'orders_connection_channel_order_key' });
  });

  it('rejects a second shipment with the same (order, WMS shipment id)', async () => {
    const order = await insertOrder('gid://shopify/Order/2');
    const shipment = { orderId: order.id, wmsShipmentId: 'SHP-1', shippedAt: new Date(), trackingNumbers: ['1Z999'] };
    await handle.db.insert(shipments).values(shipment);
    const error = await rejection(handle.db.insert(shipments).values(shipment));
    expect(error).toMatchObject({ code: '23505', constraint: 'shipments_order_wms_shipment_key' });
  });

  it('rejects a second product with the same (client, SKU) but allows the SKU for another client', async () => {
    await handle.db.insert(products).values({ clientCode: 'ACME', sku: 'TSHIRT-M', name: 'T-shirt M' });
    const error = await rejection(handle.db.insert(products).values({ clientCode: 'ACME', sku: 'TSHIRT-M', name: 'other' }));
    expect(error).toMatchObject({ code: '23505', constraint: 'products_client_sku_key' });
    await expect(handle.db.insert(products).values({ clientCode: 'GLOBEX', sku: 'TSHIRT-M', name: 'T-shirt M' })).resolves.toBeDefined();
  });

  it('rejects a second listing with the same (connection, channel item id)', async () => {
    const listing = { connectionId, channelItemId: 'gid://shopify/ProductVariant/7' };
    await handle.db.insert(listings).values(listing);
    const error = await rejection(handle.db.insert(listings).values(listing));
    expect(error).toMatchObject({ code: '23505', constraint: 'listings_connection_item_key' });
  });

  it('C-7 rejects a second live connection to the same store, but not after the first is disconnected', async () => {
    const duplicate = { channel: 'shopify' as const, clientCode: 'OTHER', warehouseCode: 'WH2', storeIdentity: 'acme.myshopify.com' };
    const error = await rejection(handle.db.insert(connections).values(duplicate));
    expect(error).toMatchObject({ code: '23505', constraint: 'connections_store_identity_key' });

    const [old] = await handle.db
      .insert(connections)
      .values({ ...duplicate, storeIdentity: 'gone.myshopify.com', status: 'disconnected' })
      .returning();
    expect(old).toBeDefined();
    await expect(handle.db.insert(connections).values({ ...duplicate, storeIdentity: 'gone.myshopify.com' })).resolves.toBeDefined();
  });

  it('OD-2 rejects a second webhook receipt with the same event id', async () => {
    const receipt = { channel: 'shopify' as const, eventId: 'evt-1', topic: 'orders/create', storeIdentity: 'acme.myshopify.com' };
    await handle.db.insert(webhookReceipts).values(receipt);
    const error = await rejection(handle.db.insert(webhookReceipts).values(receipt));
    expect(error).toMatchObject({ code: '23505', constraint: 'webhook_receipts_channel_event_key' });
  });
});
