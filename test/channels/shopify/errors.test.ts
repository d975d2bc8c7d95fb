// Every Shopify failure lands in the channel taxonomy (SPEC §8 E-2, C-2, C-5): bad token → auth
// with Shopify's message and no token in it; missing scopes named; 5xx and timeouts →
// transient; a malformed answer → permanent naming the field.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, PermanentError, TransientError } from '../../../src/channels/errors';
import { createShopifyAdapter } from '../../../src/channels/shopify/adapter';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { SECRET, startHarness, TOKEN, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('errors.myshopify.com');
  seedCatalog(h.emulator.store, h.shop, { products: 2 });
});

afterAll(async () => {
  await h.close();
});

afterEach(async () => {
  await h.admin.admin('DELETE', `/shops/${h.domain}/faults`);
});

describe('error taxonomy of the Shopify adapter', () => {
  it('C-5 an invalid token maps to auth with Shopify\'s message, never the token', async () => {
    const bad = 'shpat_not_a_real_token_123';
    const error = await h.adapter({ token: bad }).storeIdentity().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).kind).toBe('auth');
    expect((error as AuthError).message).toContain('Invalid API key or access token');
    expect((error as AuthError).message).not.toContain(bad);
    expect((error as AuthError).message).not.toContain(TOKEN);
  });

  it('C-2 names every missing access scope for the wanted capabilities', async () => {
    await h.admin.admin('PUT', `/shops/${h.domain}/tokens`, { token: 'shpat_narrow', scopes: ['read_orders', 'read_products'] });
    const check = await h.adapter({ token: 'shpat_narrow' }).checkConnection(['downloadOrders', 'downloadProducts', 'inventorySync', 'tagOrders']);
    expect(check.identity).toEqual({ storeKey: 'errors.myshopify.com', storeName: 'errors' });
    expect(check.grantedScopes).toEqual(['read_orders', 'read_products']);
    expect(check.missingScopes).toEqual([
      { capability: 'downloadOrders', scope: 'read_merchant_managed_fulfillment_orders' },
      { capability: 'downloadOrders', scope: 'read_locations' },
      { capability: 'inventorySync', scope: 'read_locations' },
      { capability: 'inventorySync', scope: 'write_inventory' },
      { capability: 'tagOrders', scope: 'write_orders' },
    ]);
  });

  it('C-2 a call that needs a missing scope maps to auth naming the scope', async () => {
    await h.admin.admin('PUT', `/shops/${h.domain}/tokens`, { token: 'shpat_products_only', scopes: ['read_products'] });
    const error = await h.adapter({ token: 'shpat_products_only' }).listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).missingScopes).toContain('read_locations');
    expect((error as AuthError).channelCode).toBe('ACCESS_DENIED');
  });

  it.each([500, 502, 503])('S-5 a %i answer maps to transient (the library does not retry it behind our back)', async (status) => {
    await h.admin.admin('PUT', `/shops/${h.domain}/faults`, { failNext: 1, errorStatus: status });
    const before = h.shop.counters.requests;
    const error = await h.adapter().listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).status).toBe(status);
    expect(h.shop.counters.requests - before).toBe(1);
    await expect(h.adapter().listLocations()).resolves.toHaveLength(2); // the fault is gone
  });

  it('S-5 a request that hangs past the timeout maps to transient', async () => {
    await h.admin.admin('PUT', `/shops/${h.domain}/faults`, { timeoutNext: 1, timeoutMs: 5_000 });
    const error = await h.adapter({ requestTimeoutMs: 300 }).listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
  });

  it('an unknown order id is null, not an error', async () => {
    await expect(h.adapter().fetchOrder('gid://shopify/Order/999999')).resolves.toBeNull();
  });

  it('bad input from the caller is a data error, sent nowhere', async () => {
    const before = h.shop.counters.requests;
    await expect(h.adapter().fetchOrder('12345')).rejects.toMatchObject({ kind: 'data' });
    await expect(h.adapter().fetchOrdersPage({ updatedFrom: 'yesterday', updatedTo: 'now' })).rejects.toMatchObject({ kind: 'data' });
    expect(h.shop.counters.requests).toBe(before);
  });
});

describe('malformed answers', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // A fake Shopify whose answer has the right envelope but a wrong type inside.
    server = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ data: { shop: { name: 42, myshopifyDomain: 'odd.myshopify.com' }, currentAppInstallation: { accessScopes: [] } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a response that does not match the expected shape is permanent and names the field', async () => {
    const adapter = createShopifyAdapter({ credentials: { shop: 'odd.myshopify.com', accessToken: TOKEN, appSecret: SECRET }, baseUrl: url });
    const error = await adapter.storeIdentity().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('shop.name');
  });
});
