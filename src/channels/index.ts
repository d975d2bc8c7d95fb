// Public surface of the channel layer for activities and the API.
export * from './types';
export { createShopifyAdapter, ShopifyAdapter, type ShopifyCredentials, type ShopifyAdapterOptions } from './shopify/adapter';
export { verifyShopifyWebhook, type ShopifyWebhookResult } from './shopify/webhooks';
