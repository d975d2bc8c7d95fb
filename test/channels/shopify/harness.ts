// Shared set-up for adapter tests: an emulator with one shop, and an adapter pointed at it
// through the base-URL override (the same path production uses, minus the override).
import { createShopifyAdapter, type ShopifyAdapter, type ShopifyAdapterOptions } from '../../../src/channels/shopify/adapter';
import { EmulatorClient } from '../../../emulators/shopify/client';
import { DEMO_SCOPES } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator, type ShopifyEmulatorOptions } from '../../../emulators/shopify/server';
import type { ShopState } from '../../../emulators/shopify/store';
import type { ShopPlan } from '../../../emulators/shopify/bucket';

export const SECRET = 'test-app-secret';
export const TOKEN = 'shpat_test_token_value';

export interface Harness {
  emulator: ShopifyEmulator;
  admin: EmulatorClient;
  shop: ShopState;
  domain: string;
  adapter(overrides?: Partial<ShopifyAdapterOptions> & { token?: string }): ShopifyAdapter;
  close(): Promise<void>;
}

export async function startHarness(
  domain: string,
  options: { plan?: ShopPlan; scopes?: string[]; emulator?: ShopifyEmulatorOptions } = {},
): Promise<Harness> {
  const emulator = await startShopifyEmulator({
    ...options.emulator,
    shops: [{ domain, appSecret: SECRET, plan: options.plan ?? 'plus', tokens: [{ token: TOKEN, scopes: options.scopes ?? DEMO_SCOPES }] }],
  });
  return {
    emulator,
    admin: new EmulatorClient(emulator.url),
    shop: emulator.store.requireShop(domain),
    domain,
    adapter: ({ token, ...overrides } = {}) =>
      createShopifyAdapter({
        credentials: { shop: domain, accessToken: token ?? TOKEN, appSecret: SECRET },
        baseUrl: emulator.url,
        ...overrides,
      }),
    close: () => emulator.close(),
  };
}

export const orderGid = (id: number): string => `gid://shopify/Order/${id}`;
export const lineGid = (id: number): string => `gid://shopify/LineItem/${id}`;
