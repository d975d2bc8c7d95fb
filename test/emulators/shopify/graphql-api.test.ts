// The emulator speaks Shopify's wire format: schema validation with Shopify's error shape,
// 401 for unknown tokens, 404 for other API versions, access scopes per token.
import { request } from 'node:http';
import { EmulatorClient } from '../../../emulators/shopify/client';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';

const SHOP = 'api-test.myshopify.com';
let emulator: ShopifyEmulator;
let client: EmulatorClient;

beforeAll(async () => {
  emulator = await startShopifyEmulator({
    shops: [
      {
        domain: SHOP,
        appSecret: 'secret',
        tokens: [
          { token: 'full', scopes: ['read_orders', 'read_products', 'read_inventory', 'read_locations'] },
          { token: 'products-only', scopes: ['read_products'] },
        ],
      },
    ],
  });
  client = new EmulatorClient(emulator.url);
  const shop = emulator.store.requireShop(SHOP);
  seedCatalog(emulator.store, shop, { products: 3 });
});

afterAll(async () => {
  await emulator.close();
});

describe('Shopify emulator GraphQL API', () => {
  it('rejects an unknown field with Shopify’s undefinedField error shape and no data', async () => {
    const res = await client.graphql(SHOP, 'full', 'query { orders(first: 1) { edges { node { id foo } } } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([
      {
        message: "Field 'foo' doesn't exist on type 'Order'",
        locations: [{ line: 1, column: 46 }],
        path: ['query', 'orders', 'edges', 'node', 'foo'],
        extensions: { code: 'undefinedField', typeName: 'Order', fieldName: 'foo' },
      },
    ]);
    expect(res.body.extensions?.cost).toBeDefined();
  });

  it('names the operation in the error path of a named query', async () => {
    const res = await client.graphql(SHOP, 'full', 'query Shop { shop { nam } }');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: "Field 'nam' doesn't exist on type 'Shop'", path: ['query Shop', 'shop', 'nam'] }),
    ]);
  });

  it('keeps graphql’s message for other validation errors and for syntax errors', async () => {
    const missingArg = await client.graphql(SHOP, 'full', 'query { order { id } }');
    expect(missingArg.status).toBe(200);
    expect(missingArg.body.errors).toEqual([
      expect.objectContaining({ message: 'Field "order" argument "id" of type "ID!" is required, but it was not provided.' }),
    ]);
    const syntax = await client.graphql(SHOP, 'full', 'query { shop { name }');
    expect(syntax.status).toBe(200);
    expect(JSON.stringify(syntax.body.errors)).toContain('Syntax Error');
  });

  it('accepts a valid document and answers from the shop state', async () => {
    const res = await client.graphql<{ shop: { name: string; myshopifyDomain: string; currencyCode: string } }>(
      SHOP,
      'full',
      'query { shop { name myshopifyDomain currencyCode plan { shopifyPlus } } }',
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.shop).toMatchObject({ myshopifyDomain: SHOP, currencyCode: 'USD' });
    expect(res.headers.get('x-shopify-api-version')).toBe('2026-07');
  });

  it('answers 401 with Shopify’s body for an unknown token', async () => {
    const res = await client.graphql(SHOP, 'nope', 'query { shop { name } }');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  it('answers 404 for another API version and for an unknown shop', async () => {
    expect((await client.graphql(SHOP, 'full', 'query { shop { name } }', undefined, '2024-01')).status).toBe(404);
    expect((await client.graphql('nobody.myshopify.com', 'full', 'query { shop { name } }')).status).toBe(404);
  });

  it('reports the access scopes of the calling token', async () => {
    const query = 'query { currentAppInstallation { accessScopes { handle } } }';
    const full = await client.graphql<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(SHOP, 'full', query);
    expect(full.body.data?.currentAppInstallation.accessScopes.map((s) => s.handle)).toEqual([
      'read_orders',
      'read_products',
      'read_inventory',
      'read_locations',
    ]);
    const narrow = await client.graphql<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(SHOP, 'products-only', query);
    expect(narrow.body.data?.currentAppInstallation.accessScopes.map((s) => s.handle)).toEqual(['read_products']);
  });

  it('denies fields the token has no scope for, with Shopify’s ACCESS_DENIED error', async () => {
    const res = await client.graphql(SHOP, 'products-only', 'query { orders(first: 5) { nodes { id } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Access denied for orders field\. Required access: `read_orders` access scope/),
        path: ['orders'],
        extensions: expect.objectContaining({ code: 'ACCESS_DENIED' }),
      }),
    ]);
    const products = await client.graphql<{ products: { nodes: unknown[] } }>(SHOP, 'products-only', 'query { products(first: 5) { nodes { id title } } }');
    expect(products.body.errors).toBeUndefined();
    expect(products.body.data?.products.nodes).toHaveLength(3);
  });

  it('serves the un-prefixed Shopify path when the Host header names the shop', async () => {
    // fetch() does not let a caller set Host, so this one uses node:http.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${emulator.url}/admin/api/2026-07/graphql.json`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': 'full', Host: `${SHOP}:443` } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ shop { myshopifyDomain } }' }));
    });
    expect(status).toBe(200);
    expect((JSON.parse(body) as { data: { shop: { myshopifyDomain: string } } }).data.shop.myshopifyDomain).toBe(SHOP);
  });

  it('refuses fields it does not model instead of inventing values', async () => {
    const res = await client.graphql(SHOP, 'full', 'query { shop { resourceLimits { maxProductVariants } } }');
    expect(JSON.stringify(res.body.errors)).toContain('not implemented by the Storelink Shopify emulator');
  });

  it('answers 400 for bad admin input instead of crashing', async () => {
    const res = await client.admin<{ error: string }>('POST', '/shops', { domain: 'not a domain' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid request');
    const missing = await client.admin<{ error: string }>('GET', '/shops/ghost.myshopify.com');
    expect(missing.status).toBe(404);
  });
});
