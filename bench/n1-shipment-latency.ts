/**
 * N-1: a WMS shipment posted over HTTP (POST /v1/orders/:id/shipments, the real API with a real
 * token) → the fulfillment with its tracking number created on the Shopify emulator (plus plan: no
 * throttling), over ≥ 500 shipments posted one at a time. Target: p50 and p99 ≤ 3 × floor B
 * (signal → activity start of a bare workflow), measured before and after on the same server.
 *
 *   npm run bench:n1 -- [shipments=500] [floorSamples=max(500, shipments)]
 *   TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS=100 npm run bench:n1   # the cache trade-off (N-5)
 *
 * The end time is the emulator's own creation time of the fulfillment (`created_at_ms` of its admin
 * listing), the start time our clock just before the POST: both are this process's Date.now().
 */
import { createShop, floorSignalToActivity, latencySummary, loadAverage, machineNote, postShipment, runBench, sleep, startDownload, startOrderStack, waitForOrders, type ReleasedOrder } from './order-stack';

const SHIPMENTS = Number(process.argv[2] ?? 500);
const FLOOR_SAMPLES = Number(process.argv[3] ?? Math.max(500, SHIPMENTS));
const GAP_MS = 100;

interface FulfillmentListing {
  tracking_number: string | null;
  created_at_ms: number;
}

async function main(): Promise<void> {
  const stack = await startOrderStack({ api: true, floorWorker: true });
  try {
    console.log(`N-1 ${machineNote(stack)}`);
    const shop = await createShop(stack, { name: 'n1', orders: SHIPMENTS });
    const began = Date.now();
    await startDownload(stack, shop);
    await waitForOrders(stack, shop, 'every order released', (c) => c.released >= SHIPMENTS, 15 * 60_000);
    console.log(`${SHIPMENTS} orders imported and released in ${((Date.now() - began) / 1000).toFixed(1)} s; settling`);
    await sleep(5_000);
    const released = await stack.call<ReleasedOrder[]>('releasedOrders', shop.connectionId, SHIPMENTS);

    const floorBefore = latencySummary(await floorSignalToActivity(stack, 'before', FLOOR_SAMPLES));
    console.log(`floor B before: ${JSON.stringify(floorBefore)}`);

    // The emulator tells us (in process) when an order got a fulfillment; its admin listing says when, to the ms.
    let fulfilled: (() => void) | undefined;
    stack.emulator.store.events.on('change', (event: { topic: string }) => {
      if (event.topic === 'orders/fulfilled' || event.topic === 'orders/partially_fulfilled') fulfilled?.();
    });
    const latencies: number[] = [];
    for (const [i, order] of released.entries()) {
      const tracking = `1ZN1${String(i).padStart(6, '0')}`;
      const seen = new Promise<void>((resolve) => (fulfilled = resolve));
      const posted = Date.now();
      await postShipment(stack, order, `N1-${i}`, tracking);
      await Promise.race([seen, sleep(60_000).then(() => Promise.reject(new Error(`no fulfillment for order ${order.orderNumber} within 60 s`)))]);
      const listing = await stack.admin.admin<FulfillmentListing[]>('GET', `/shops/${shop.domain}/fulfillments`);
      const created = listing.body.find((f) => f.tracking_number === tracking);
      if (!created) throw new Error(`order ${order.orderNumber}: a fulfillment appeared, but not with tracking ${tracking}`);
      latencies.push(created.created_at_ms - posted);
      await sleep(GAP_MS);
    }
    const n1 = latencySummary(latencies);
    const floorAfter = latencySummary(await floorSignalToActivity(stack, 'after', FLOOR_SAMPLES));
    console.log(`floor B after: ${JSON.stringify(floorAfter)}`);

    const floorP50 = (floorBefore.p50 + floorAfter.p50) / 2;
    const floorP99 = (floorBefore.p99 + floorAfter.p99) / 2;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`\nN-1 ${SHIPMENTS} shipments, one at a time (${GAP_MS} ms apart), worker cache ${stack.maxCachedWorkflows}; load average at the end ${loadAverage()}`);
    console.log('| measured | n | p50 | p90 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, s] of [['floor B before', floorBefore], ['shipment → fulfillment (N-1)', n1], ['floor B after', floorAfter]] as const) {
      console.log(`| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`);
    }
    const verdict = (ratio: number) => `${ratio.toFixed(2)} × (target ≤ 3 ×: ${ratio <= 3 ? 'met' : 'missed'})`;
    console.log(`p50 ratio: ${verdict(n1.p50 / floorP50)} against the mean floor p50 ${ms(floorP50)}`);
    console.log(`p99 ratio: ${verdict(n1.p99 / floorP99)} against the mean floor p99 ${ms(floorP99)}`);
  } finally {
    await stack.close();
  }
}

runBench(main);
