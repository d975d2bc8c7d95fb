// List pages carry small nested pages to stay under the cost cap; an order or product with more
// lines / variants than that is completed by a follow-up read, never truncated.
import { ORDER_PAGE_LINES, PRODUCT_PAGE_VARIANTS } from '../../../src/channels/shopify/documents';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { orderGid, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('overflow.myshopify.com');
  seedCatalog(h.emulator.store, h.shop, { products: 1 });
});

afterAll(async () => {
  await h.close();
});

describe('nested pages that overflow', () => {
  it('OD-1 an order with more lines than a list page carries comes back with every line', async () => {
    const lines = ORDER_PAGE_LINES + 3;
    const created = await h.admin.admin<{ id: number }>('POST', `/shops/${h.domain}/orders`, {
      lineItems: Array.from({ length: lines }, (_, i) => ({ sku: `CUSTOM-${i}`, title: `Custom ${i}`, quantity: 1 })),
    });
    const now = Date.now();
    const page = await h.adapter().fetchOrdersPage({
      updatedFrom: new Date(now - 3_600_000).toISOString(),
      updatedTo: new Date(now + 60_000).toISOString(),
    });
    const order = page.items.find((o) => o.channelOrderId === orderGid(created.body.id));
    expect(order?.lines.map((l) => l.sku)).toEqual(Array.from({ length: lines }, (_, i) => `CUSTOM-${i}`));
  });

  it('P-8 a product with more variants than a list page carries comes back with every variant', async () => {
    const count = PRODUCT_PAGE_VARIANTS + 5;
    await h.admin.admin('POST', `/shops/${h.domain}/products`, {
      title: 'Many sizes',
      variants: Array.from({ length: count }, (_, i) => ({ title: `Size ${i}`, sku: `MANY-${i}` })),
    });
    const page = await h.adapter().fetchProductsPage({});
    const product = page.items.find((p) => p.title === 'Many sizes');
    expect(product?.variants.map((v) => v.sku).sort()).toEqual(Array.from({ length: count }, (_, i) => `MANY-${i}`).sort());
  });
});
