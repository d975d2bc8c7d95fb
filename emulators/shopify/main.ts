// Runs the Shopify emulator standalone (demo, benchmarks): port from SHOPIFY_EMULATOR_PORT
// (default 8701). With SHOPIFY_EMULATOR_SEED_DEMO=1 (default) it creates demo.myshopify.com
// with token shpat_demo; SHOPIFY_EMULATOR_DEMO_ORDERS sets how many orders to generate.
import { seedDemoShop } from './seed';
import { startShopifyEmulator } from './server';

async function main(): Promise<void> {
  const port = Number(process.env['SHOPIFY_EMULATOR_PORT'] ?? 8701);
  const host = process.env['SHOPIFY_EMULATOR_HOST'] ?? '127.0.0.1';
  const emulator = await startShopifyEmulator({ port, host, logger: process.env['SHOPIFY_EMULATOR_LOG'] === '1' });
  if ((process.env['SHOPIFY_EMULATOR_SEED_DEMO'] ?? '1') === '1') {
    const shop = seedDemoShop(emulator.store, { orders: Number(process.env['SHOPIFY_EMULATOR_DEMO_ORDERS'] ?? 200) });
    console.log(`demo shop ${shop.domain} (token shpat_demo): ${emulator.graphqlUrl(shop.domain)}`);
  }
  console.log(`Shopify Admin ${'2026-07'} emulator listening on ${emulator.url} (admin API at ${emulator.url}/_admin)`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
