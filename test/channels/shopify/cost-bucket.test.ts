// The client-side bucket model: projection by restore rate, wait before a known cost, and the
// exact wait after THROTTLED.
import { CostBucket, throttledWaitMs } from '../../../src/channels/shopify/cost-bucket';

describe('CostBucket', () => {
  let now = 0;
  const bucket = (): CostBucket => new CostBucket(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('does not wait before it has seen the bucket', () => {
    expect(bucket().waitFor(900)).toBe(0);
  });

  it('projects refill by restoreRate × elapsed, capped at the maximum', () => {
    const b = bucket();
    b.observe({ maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 });
    now += 2_500;
    expect(b.projected()).toBe(350);
    now += 60_000;
    expect(b.projected()).toBe(2000);
  });

  it('waits until the projected bucket covers the known cost', () => {
    const b = bucket();
    b.observe({ maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 });
    expect(b.waitFor(100)).toBe(0);
    expect(b.waitFor(600)).toBe(5_000);
    now += 1_000;
    expect(b.waitFor(600)).toBe(4_000);
  });

  it('reservations make concurrent requests pace each other', () => {
    const b = bucket();
    b.observe({ maximumAvailable: 2000, currentlyAvailable: 1000, restoreRate: 100 });
    b.reserve(800);
    expect(b.waitFor(800)).toBe(6_000);
  });

  it('learns requested costs per operation', () => {
    const b = bucket();
    expect(b.knownCost('StorelinkOrdersPage')).toBe(0);
    b.learnCost('StorelinkOrdersPage', 977);
    expect(b.knownCost('StorelinkOrdersPage')).toBe(977);
  });

  it('after THROTTLED waits exactly what the restore rate needs for the requested cost', () => {
    expect(throttledWaitMs(977, { maximumAvailable: 2000, currentlyAvailable: 477, restoreRate: 100 })).toBe(5_000);
    expect(throttledWaitMs(10, { maximumAvailable: 20000, currentlyAvailable: 0, restoreRate: 1000 })).toBe(10);
  });
});
