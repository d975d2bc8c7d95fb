// I-6 / S-5: the client paces by Shopify's cost bucket and absorbs THROTTLED answers (HTTP 200
// with an error) by waiting exactly what the restore rate needs, so no request fails; past its
// wait cap it surfaces a `throttled` error carrying the wait instead.
import { ThrottledError } from '../../../src/channels/errors';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('throttle.myshopify.com', { plan: 'advanced' });
  seedCatalog(h.emulator.store, h.shop, { products: 60 });
});

afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  await h.admin.admin('DELETE', `/shops/${h.domain}/faults`);
  await h.admin.admin('DELETE', `/shops/${h.domain}/counters`);
});

describe('cost-bucket pacing', () => {
  it('I-6 forced throttling (bucket drained) is absorbed without a single request failing', async () => {
    const adapter = h.adapter();
    await h.admin.admin('POST', `/shops/${h.domain}/throttle/drain`);
    const started = Date.now();
    const results = await Promise.all([adapter.listLocations(), adapter.listLocations(), adapter.storeIdentity()]);
    expect(results[0]).toHaveLength(2);
    expect(results[2].storeKey).toBe(h.domain);
    expect(h.shop.counters.throttled).toBeGreaterThan(0);
    // Needs roughly 2 × 252 + 3 points at 200/s from an empty bucket: about 2.5 s, not minutes.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('I-6 paces expensive pages by the bucket so Shopify never has to throttle after the first answer', async () => {
    const adapter = h.adapter();
    await adapter.storeIdentity(); // learn the bucket
    await h.admin.admin('DELETE', `/shops/${h.domain}/counters`);
    // Drain the server bucket, then teach the client by one cheap call that it is empty.
    await h.admin.admin('POST', `/shops/${h.domain}/throttle/drain`);
    await new Promise((r) => setTimeout(r, 100));
    await adapter.storeIdentity();
    const throttledBefore = h.shop.counters.throttled;
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof adapter.fetchProductsPage>> = await adapter.fetchProductsPage({ cursor });
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    // The first products page is unknown to the client; every later one is paced.
    expect(h.shop.counters.throttled - throttledBefore).toBeLessThanOrEqual(1);
  });

  it('I-6 past the wait cap, a throttled error carries the wait the bucket asked for', async () => {
    await h.admin.admin('PUT', `/shops/${h.domain}/faults`, { throttleAlways: true });
    const error = await h.adapter({ maxThrottleWaitMs: 200 }).listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    // 252 requested points at 200 points/s from an empty bucket.
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThan(1000);
    expect((error as ThrottledError).retryAfterMs).toBeLessThanOrEqual(1300);
  });

  it('I-6 throttling that lasts a while is still absorbed when it ends within the cap', async () => {
    await h.admin.admin('PUT', `/shops/${h.domain}/faults`, { throttleAlways: true });
    const release = setTimeout(() => void h.admin.admin('DELETE', `/shops/${h.domain}/faults`), 1_500);
    try {
      await expect(h.adapter().storeIdentity()).resolves.toMatchObject({ storeKey: h.domain });
      expect(h.shop.counters.throttled).toBeGreaterThan(1);
    } finally {
      clearTimeout(release);
    }
  });
});
