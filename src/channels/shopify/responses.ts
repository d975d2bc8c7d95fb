// zod schemas of the `data` each document returns: every Shopify answer is parsed before use,
// so a malformed response fails loudly naming the field instead of leaking undefined values.
import { z } from 'zod';

const gid = z.string().startsWith('gid://shopify/');
const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const more = z.object({ hasNextPage: z.boolean() });

export const connectionCheckData = z.object({
  shop: z.object({ name: z.string(), myshopifyDomain: z.string() }),
  currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string() })) }),
});

const address = z.object({
  name: z.string().nullable(),
  company: z.string().nullable(),
  address1: z.string().nullable(),
  address2: z.string().nullable(),
  city: z.string().nullable(),
  provinceCode: z.string().nullable(),
  countryCodeV2: z.string().nullable(),
  zip: z.string().nullable(),
  phone: z.string().nullable(),
});

export const orderLine = z.object({
  id: gid,
  sku: z.string().nullable(),
  title: z.string(),
  currentQuantity: z.number().int(),
  unfulfilledQuantity: z.number().int(),
  requiresShipping: z.boolean(),
});

const fulfillmentOrderSummary = z.object({
  status: z.string(),
  assignedLocation: z.object({ location: z.object({ id: gid }).nullable() }),
});

const orderHeader = {
  id: gid,
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  tags: z.array(z.string()),
  email: z.string().nullable(),
  test: z.boolean(),
  shippingAddress: address.nullable(),
  fulfillmentOrders: z.object({ nodes: z.array(fulfillmentOrderSummary), pageInfo: more }),
};

export const pagedOrder = z.object({
  ...orderHeader,
  lineItems: z.object({ nodes: z.array(orderLine), pageInfo: more }),
});
export type ShopifyOrderNode = z.infer<typeof pagedOrder>;

export const ordersPageData = z.object({ orders: z.object({ nodes: z.array(pagedOrder), pageInfo }) });

export const orderData = z.object({
  order: z.object({ ...orderHeader, lineItems: z.object({ nodes: z.array(orderLine), pageInfo }) }).nullable(),
});

export const fulfillmentStateData = z.object({
  order: z
    .object({
      id: gid,
      fulfillmentOrders: z.object({
        nodes: z.array(
          z.object({
            id: gid,
            status: z.string(),
            assignedLocation: z.object({ location: z.object({ id: gid }).nullable() }),
            lineItems: z.object({
              nodes: z.array(z.object({ id: gid, remainingQuantity: z.number().int(), lineItem: z.object({ id: gid }) })),
              pageInfo: more,
            }),
          }),
        ),
        pageInfo: more,
      }),
      fulfillments: z.array(
        z.object({ id: gid, status: z.string(), trackingInfo: z.array(z.object({ number: z.string().nullable() })) }),
      ),
    })
    .nullable(),
});
export type FulfillmentState = NonNullable<z.infer<typeof fulfillmentStateData>['order']>;

const userError = z.object({ field: z.array(z.string()).nullable(), message: z.string() });
const codedUserError = userError.extend({ code: z.string().nullable() });

export const fulfillmentCreateData = z.object({
  fulfillmentCreate: z
    .object({ fulfillment: z.object({ id: gid, status: z.string() }).nullable(), userErrors: z.array(userError) })
    .nullable(),
});

export const tagsAddData = z.object({
  tagsAdd: z.object({ node: z.object({ id: gid, updatedAt: z.string().optional() }).nullable(), userErrors: z.array(userError) }).nullable(),
});

export const variantNode = z.object({
  id: gid,
  sku: z.string().nullable(),
  title: z.string(),
  barcode: z.string().nullable(),
  price: z.string().nullable(),
  inventoryItem: z.object({ id: gid, tracked: z.boolean() }),
});
export type ShopifyVariantNode = z.infer<typeof variantNode>;

export const productNode = z.object({
  id: gid,
  title: z.string(),
  descriptionHtml: z.string().nullable(),
  vendor: z.string().nullable(),
  status: z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED', 'UNLISTED']),
  updatedAt: z.string(),
  featuredMedia: z.object({ preview: z.object({ image: z.object({ url: z.string() }).nullable() }).nullable() }).nullable(),
  variants: z.object({ nodes: z.array(variantNode), pageInfo: more }),
});
export type ShopifyProductNode = z.infer<typeof productNode>;

export const productsPageData = z.object({ products: z.object({ nodes: z.array(productNode), pageInfo }) });
export const productVariantsData = z.object({ productVariants: z.object({ nodes: z.array(variantNode), pageInfo }) });

export const locationsData = z.object({
  locations: z.object({ nodes: z.array(z.object({ id: gid, name: z.string(), isActive: z.boolean() })), pageInfo }),
});

const quantities = z.array(z.object({ name: z.string(), quantity: z.number().int() }));

export const inventoryLevelsData = z.object({
  location: z
    .object({
      id: gid,
      inventoryLevels: z.object({ nodes: z.array(z.object({ item: z.object({ id: gid }), quantities })), pageInfo }),
    })
    .nullable(),
});

export const inventoryItemsData = z.object({
  inventoryItems: z.object({
    nodes: z.array(z.object({ id: gid, inventoryLevel: z.object({ quantities }).nullable() })),
  }),
});

export const inventorySetData = z.object({
  inventorySetQuantities: z
    .object({ inventoryAdjustmentGroup: z.object({ id: gid }).nullable(), userErrors: z.array(codedUserError) })
    .nullable(),
});
