/**
 * N-8: a WMS level change posted over HTTP (POST /v1/inventory/levels, the real API with a real
 * token) → the new quantity on the Shopify emulator (plus plan: no throttling). Target: p50 ≤ the
 * coalescing window (INVENTORY_COALESCE_MS) + 3 × floor B (signal → activity start of a bare
 * workflow), floor B measured before and after on the same server.
 *
 *   npm run bench:n8 -- [changes=200] [floorSamples=500]
 *
 * Setup (untimed, bench/inventory-stack.ts): a shop of 50 products, downloaded, sync on, a first
 * sync so every quantity is known. Then one level at a time (a different SKU each, cycling), timed
 * from just before the POST to the emulator applying the quantity (its change event, in this
 * process); the next one is posted once the loop is idle again, 100 ms later.
 */
import { inventoryShop, inventorySettled, postLevels, watchQuantities } from './inventory-stack';
import { floorSignalToActivity, latencySummary, loadAverage, machineNote, printProfile, runBench, sleep, startOrderStack, wallMs, type CallTiming } from './order-stack';

const CHANGES = Number(process.argv[2] ?? 200);
const FLOOR_SAMPLES = Number(process.argv[3] ?? 500);
const SKUS = 50;
const GAP_MS = 100;

async function main(): Promise<void> {
  const stack = await startOrderStack({ api: true, floorWorker: true, profileStatements: true });
  try {
    console.log(`N-8 ${machineNote(stack)} · INVENTORY_COALESCE_MS ${stack.inventoryCoalesceMs}`);
    console.log('setup (untimed):');
    const shop = await inventoryShop(stack, { name: 'n8', skus: SKUS, products: 50, plan: 'plus' });

    const floorBefore = latencySummary(await floorSignalToActivity(stack, 'before', FLOOR_SAMPLES));
    console.log(`floor B before: ${JSON.stringify(floorBefore)}`);

    await stack.call('resetProfile');
    const latencies: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const { sku } = shop.items[i % shop.items.length]!;
      const expected = new Map([[sku, 5000 + i]]);
      const watch = watchQuantities(stack, shop, expected);
      const posted = wallMs();
      await postLevels(stack, shop, expected, new Date().toISOString());
      answered.push(wallMs() - posted);
      const { lastMs } = await watch.done(60_000);
      latencies.push(lastMs - posted);
      await inventorySettled(stack, shop);
      await sleep(GAP_MS);
    }
    const profile = await stack.call<CallTiming[]>('profile');
    const n8 = latencySummary(latencies);
    const post = latencySummary(answered);

    const floorAfter = latencySummary(await floorSignalToActivity(stack, 'after', FLOOR_SAMPLES));
    console.log(`floor B after: ${JSON.stringify(floorAfter)}`);

    const windowMs = stack.inventoryCoalesceMs;
    const floorP50 = (floorBefore.p50 + floorAfter.p50) / 2;
    const target = windowMs + 3 * floorP50;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`\nN-8 ${CHANGES} level changes, one at a time (${GAP_MS} ms after the loop is idle again), coalescing window ${windowMs} ms; load average at the end ${loadAverage()}`);
    console.log('| measured | n | p50 | p90 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, s] of [
      ['floor B before', floorBefore],
      ['POST /v1/inventory/levels answered', post],
      ['level posted → quantity on the emulator (N-8)', n8],
      ['floor B after', floorAfter],
    ] as const) {
      console.log(`| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`);
    }
    console.log(`target: p50 ≤ window + 3 × floor B p50 = ${windowMs} + 3 × ${ms(floorP50)} = ${ms(target)}`);
    console.log(`p50 ${ms(n8.p50)}: ${n8.p50 <= target ? 'met' : 'missed'}; beyond the window ${ms(n8.p50 - windowMs)} = ${((n8.p50 - windowMs) / floorP50).toFixed(2)} × floor B p50`);
    printProfile(profile, { count: CHANGES, label: 'level change' });
  } finally {
    await stack.close();
  }
}

runBench(main);
