import { z } from 'zod';
import type { ChannelName } from './capabilities';

/**
 * What each channel's sealed credentials hold (SPEC §2). Parsed when the API receives them and
 * again when an activity builds the adapter. `baseUrl` points a connection at a channel emulator
 * (dev, tests, demo); it lives with the credentials because it says where they may be sent.
 */
export const shopifyCredentialsSchema = z
  .object({
    shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'expected the shop domain, e.g. my-store.myshopify.com'),
    accessToken: z.string().min(1, 'must not be empty'),
    appSecret: z.string().min(1, 'must not be empty'),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export const credentialsSchemas: Partial<Record<ChannelName, z.ZodType<Record<string, unknown>>>> = {
  shopify: shopifyCredentialsSchema,
};
