import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findConnection } from '../../db/repositories/connections';
import { markListingsDirty, syncingConnections } from '../../db/repositories/inventory';
import { listingsOfProduct, listListings, setNeverSync, type ListingRow } from '../../db/repositories/listings';
import { findProduct, kitComponentsOf, KitDefinitionError, listProducts, setKitComponents, type ProductRow } from '../../db/repositories/products';
import { wakeConnections } from '../../temporal/inventory-workflows';
import { ApiError, errorBody } from '../errors';
import type { ApiDependencies } from '../server';

/** SPEC §9 products: list, read, kit components, listings and their link state (P-1…P-7). */

const product = z
  .object({
    id: z.string().uuid(),
    clientCode: z.string(),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    upc: z.string().nullable(),
    price: z.string().nullable(),
    imageUrls: z.array(z.string()),
    isKit: z.boolean(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Product' });

const listing = z
  .object({
    id: z.string().uuid(),
    connectionId: z.string().uuid(),
    channelItemId: z.string(),
    channelProductId: z.string().nullable(),
    channelInventoryItemId: z.string().nullable(),
    channelSku: z.string().nullable(),
    title: z.string().nullable(),
    productId: z.string().uuid().nullable(),
    linkState: z.enum(['linked', 'unlinked']).describe('unlinked listings are skipped by inventory sync (P-6)'),
    neverSync: z.boolean(),
    inventoryTracked: z.boolean(),
  })
  .meta({ id: 'Listing' });

const kitComponent = z.object({ sku: z.string().trim().min(1, 'must not be empty'), quantity: z.number().int().positive('must be at least 1') }).strict();
const security = [{ bearer: [] }];
const limit = z.coerce.number().int().min(1).max(500).default(100);

const presentProduct = (row: ProductRow): z.infer<typeof product> => ({
  id: row.id,
  clientCode: row.clientCode,
  sku: row.sku,
  name: row.name,
  description: row.description,
  upc: row.upc,
  price: row.price,
  imageUrls: row.imageUrls,
  isKit: row.isKit,
  updatedAt: row.updatedAt,
});

const presentListing = (row: ListingRow): z.infer<typeof listing> => ({
  id: row.id,
  connectionId: row.connectionId,
  channelItemId: row.channelItemId,
  channelProductId: row.channelProductId,
  channelInventoryItemId: row.channelInventoryItemId,
  channelSku: row.channelSku,
  title: row.title,
  productId: row.productId,
  linkState: row.productId ? 'linked' : 'unlinked',
  neverSync: row.neverSync,
  inventoryTracked: row.inventoryTracked,
});

export const productRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db } = deps;
  async function productOf(id: string): Promise<ProductRow> {
    const row = await findProduct(db, id);
    if (!row) throw new ApiError(404, 'not_found', `no product ${id}`);
    return row;
  }

  app.get(
    '/products',
    {
      schema: {
        tags: ['products'],
        summary: 'Products in (client, SKU) order; pass nextAfter back as `after` for the next page',
        security,
        querystring: z.object({
          clientCode: z.string().min(1).optional(),
          skuPrefix: z.string().min(1).optional(),
          limit,
          after: z
            .string()
            .regex(/^[^/]+\/.+$/, 'expected clientCode/sku from nextAfter')
            .optional(),
        }),
        response: { 200: z.object({ products: z.array(product), nextAfter: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { after, ...query } = request.query;
      const [clientCode, ...sku] = after?.split('/') ?? [];
      const rows = await listProducts(db, { ...query, after: after ? { clientCode: clientCode!, sku: sku.join('/') } : undefined });
      const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
      return { products: rows.map(presentProduct), nextAfter: last ? `${last.clientCode}/${last.sku}` : null };
    },
  );

  app.get(
    '/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'A product with its listings on every connection and its kit components',
        security,
        params: z.object({ id: z.string().uuid('expected a product id (uuid)') }),
        response: { 200: product.extend({ listings: z.array(listing), kitComponents: z.array(kitComponent) }), 404: errorBody },
      },
    },
    async (request) => {
      const row = await productOf(request.params.id);
      const [links, components] = await Promise.all([listingsOfProduct(db, row.id), kitComponentsOf(db, row.id)]);
      return { ...presentProduct(row), listings: links.map(presentListing), kitComponents: components };
    },
  );

  app.put(
    '/products/:id/kit-components',
    {
      schema: {
        tags: ['products'],
        summary: 'Replace the kit components (P-7); an empty list makes it an ordinary product',
        security,
        params: z.object({ id: z.string().uuid('expected a product id (uuid)') }),
        body: z.object({ components: z.array(kitComponent) }).strict(),
        response: { 200: product.extend({ kitComponents: z.array(kitComponent) }), 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await productOf(request.params.id);
      try {
        await setKitComponents(db, request.params.id, request.body.components);
      } catch (error) {
        if (error instanceof KitDefinitionError) throw new ApiError(400, 'invalid_kit', error.message, { problems: error.problems });
        throw error;
      }
      return { ...presentProduct(await productOf(request.params.id)), kitComponents: await kitComponentsOf(db, request.params.id) };
    },
  );

  app.get(
    '/connections/:id/listings',
    {
      schema: {
        tags: ['products'],
        summary: "A connection's listings and their link state (P-4, P-6)",
        security,
        params: z.object({ id: z.string().uuid('expected a connection id (uuid)') }),
        querystring: z.object({ linkState: z.enum(['linked', 'unlinked']).optional(), limit, after: z.string().min(1).optional() }),
        response: { 200: z.object({ listings: z.array(listing), nextAfter: z.string().nullable() }), 404: errorBody },
      },
    },
    async (request) => {
      if (!(await findConnection(db, request.params.id))) throw new ApiError(404, 'not_found', `no connection ${request.params.id}`);
      const { linkState, limit: pageSize, after } = request.query;
      const rows = await listListings(db, {
        connectionId: request.params.id,
        linked: linkState === undefined ? undefined : linkState === 'linked',
        limit: pageSize,
        afterChannelItemId: after,
      });
      const last = rows.length === pageSize ? rows[rows.length - 1] : undefined;
      return { listings: rows.map(presentListing), nextAfter: last?.channelItemId ?? null };
    },
  );

  app.patch(
    '/listings/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'Never Sync toggle (I-5): a never-synced listing keeps the quantity the store has; clearing it pushes the current quantity',
        security,
        params: z.object({ id: z.string().uuid('expected a listing id (uuid)') }),
        body: z.object({ neverSync: z.boolean() }).strict(),
        response: { 200: listing, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const row = await setNeverSync(db, request.params.id, request.body.neverSync);
      if (!row) throw new ApiError(404, 'not_found', `no listing ${request.params.id}`);
      if (!row.neverSync && row.productId) {
        await markListingsDirty(db, [row.id]);
        await wakeConnections(deps, await syncingConnections(db, [row.connectionId]), 'a listing was set to sync again');
      }
      return presentListing(row);
    },
  );
};
