/**
 * N-3: an inventory push of N = 10,000 changed SKUs to the Shopify emulator on a standard plan
 * (restore 100 points/s, bucket 2,000), starting with the shop's cost bucket empty. Targets: wall
 * time ≤ 1.15 × the floor (points charged ÷ restore rate), 0 lost updates, ≤ ⌈N/250⌉ mutations.
 *
 *   npm run bench:n3 -- [skus=10000] [rounds=3]
 *   INVENTORY_COALESCE_MS=… npm run bench:n3   # the coalescing window (default 1,000 ms, as npm start)
 *
 * Setup (untimed, bench/inventory-stack.ts): a shop with ≥ N SKUs, products downloaded, sync on,
 * a first sync so every quantity is known, then the standard plan. Each round posts a new level
 * for every one of the N SKUs (POST /v1/inventory/levels, ≤ 10,000 per post) and ends when the
 * emulator shows every expected quantity. Two kinds of round, alternating:
 *   push:      the bucket is drained when the push activity starts (the loop's coalescing window
 *              is over); wall time from that moment. The push alone, at the store's pace: the
 *              target is judged on this one.
 *   from post: the bucket is drained just before the post; wall time from the post, so it holds
 *              the API call, the signal and the coalescing window (the bucket refills during them).
 * Points and mutations are the emulator's counters, reset at the start of each round.
 */
import { PLAN_LIMITS } from '../emulators/shopify/bucket';
import {
  counters,
  drainBucket,
  inventoryShop,
  inventorySettled,
  levelsFor,
  lostUpdates,
  postLevels,
  resetCounters,
  watchQuantities,
  type Counters,
  type InventoryShop,
} from './inventory-stack';
import { loadAverage, machineNote, printProfile, runBench, startOrderStack, wallMs, type ActivityStarted, type CallTiming, type OrderStack } from './order-stack';

const SKUS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const TARGET_RATIO = 1.15;
const PUSH_ACTIVITY = 'pushDirtyInventory';

type Kind = 'push' | 'from post';

interface Round {
  kind: Kind;
  n: number;
  counters: Counters;
  floorS: number;
  wallS: number;
  /** ms from the start of the post */
  timeline: { postedMs: number; activityMs: number; drainedMs: number | null; firstChangeMs: number | null; lastMs: number };
  applied: number;
  lost: string[];
  profile: CallTiming[];
  loadAverage: string;
}

async function round(stack: OrderStack, shop: InventoryShop, kind: Kind, n: number): Promise<Round> {
  const expected = levelsFor(shop, n);
  await stack.call('resetProfile');
  await resetCounters(stack, shop);
  if (kind === 'from post') await drainBucket(stack, shop);

  let activityAt: number | null = null;
  let drainedAt: number | null = null;
  let drained: Promise<void> = Promise.resolve();
  const onActivity = (started: ActivityStarted) => {
    if (started.activity !== PUSH_ACTIVITY || activityAt !== null) return;
    activityAt = wallMs();
    if (kind === 'push') drained = drainBucket(stack, shop).then(() => void (drainedAt = wallMs()));
  };
  stack.events.on('activityStarted', onActivity);
  try {
    const watch = watchQuantities(stack, shop, expected);
    const began = wallMs();
    const answers = await postLevels(stack, shop, expected, new Date().toISOString());
    const postedAt = wallMs();
    const seen = await watch.done(15 * 60_000);
    await drained;
    await inventorySettled(stack, shop);
    if (activityAt === null) throw new Error('the push activity never announced its start');
    const c = await counters(stack, shop);
    const from = kind === 'push' ? activityAt : began;
    return {
      kind,
      n,
      counters: c,
      floorS: c.pointsCharged / PLAN_LIMITS[shop.plan].restoreRate,
      wallS: (seen.lastMs - from) / 1000,
      timeline: {
        postedMs: postedAt - began,
        activityMs: activityAt - began,
        drainedMs: drainedAt === null ? null : drainedAt - began,
        firstChangeMs: seen.firstChangeMs === null ? null : seen.firstChangeMs - began,
        lastMs: seen.lastMs - began,
      },
      applied: answers.reduce((sum, a) => sum + a.applied, 0),
      lost: await lostUpdates(stack, shop, expected),
      profile: await stack.call<CallTiming[]>('profile'),
      loadAverage: loadAverage(),
    };
  } finally {
    stack.events.off('activityStarted', onActivity);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

function report(rounds: Round[], windowMs: number): void {
  const maxMutations = Math.ceil(SKUS / 250);
  console.log(`\nN-3 ${SKUS} changed SKUs per round, standard plan (bucket ${PLAN_LIMITS.standard.maximumAvailable}, ${PLAN_LIMITS.standard.restoreRate} points/s), coalescing window ${windowMs} ms`);
  console.log('| round | bucket emptied | mutations | points charged | THROTTLED | floor | wall | ratio | lost | load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rounds) {
    const c = r.counters;
    const emptied = r.kind === 'push' ? 'at the push’s start' : 'before the post';
    console.log(`| ${r.n} ${r.kind} | ${emptied} | ${c.mutations} (${c.graphqlRequests} requests) | ${c.pointsCharged} | ${c.throttled} | ${r.floorS.toFixed(2)} s | ${r.wallS.toFixed(2)} s | ${(r.wallS / r.floorS).toFixed(3)} × | ${r.lost.length} | ${r.loadAverage} |`);
  }
  console.log('\nTimeline of each round, from the start of the post');
  console.log('| round | post answered | push activity started | bucket drained | first quantity changed | last quantity changed | wall excluding the window |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rounds) {
    const t = r.timeline;
    const excluding = r.kind === 'from post' ? `${((r.wallS * 1000 - windowMs) / 1000).toFixed(2)} s → ${((r.wallS * 1000 - windowMs) / 1000 / r.floorS).toFixed(3)} ×` : '— (window not in it)';
    console.log(`| ${r.n} ${r.kind} | ${s(t.postedMs)} | ${s(t.activityMs)} | ${s(t.drainedMs)} | ${s(t.firstChangeMs)} | ${s(t.lastMs)} | ${excluding} |`);
  }

  for (const kind of ['push', 'from post'] as const) {
    const of = rounds.filter((r) => r.kind === kind);
    if (of.length === 0) continue;
    const ratios = of.map((r) => r.wallS / r.floorS);
    const verdict = kind === 'push' ? ` (target ≤ ${TARGET_RATIO} ×, judged on this kind: ${median(ratios) <= TARGET_RATIO ? 'met' : 'missed'})` : ' (window included, for reference)';
    console.log(`${kind}: ratio median ${median(ratios).toFixed(3)} ×, worst ${Math.max(...ratios).toFixed(3)} × over ${of.length} rounds${verdict}`);
  }
  const worstMutations = Math.max(...rounds.map((r) => r.counters.mutations));
  const lost = rounds.reduce((sum, r) => sum + r.lost.length, 0);
  console.log(`mutations: at most ${worstMutations} per round (target ≤ ${maxMutations}: ${worstMutations <= maxMutations ? 'met' : 'missed'})`);
  console.log(`lost updates: ${lost} over ${rounds.length} rounds (target 0: ${lost === 0 ? 'met' : `missed, e.g. ${rounds.flatMap((r) => r.lost).slice(0, 5).join(', ')}`})`);
  for (const kind of ['push', 'from post'] as const) {
    const last = rounds.filter((r) => r.kind === kind).at(-1);
    if (last) {
      console.log(`\nProfile of round ${last.n} (${kind})`);
      printProfile(last.profile, { count: Math.max(1, last.counters.mutations), label: 'mutation' });
    }
  }
}

async function main(): Promise<void> {
  const stack = await startOrderStack({ api: true, announceActivities: [PUSH_ACTIVITY], profileStatements: true });
  try {
    console.log(`N-3 ${machineNote(stack)} · INVENTORY_COALESCE_MS ${stack.inventoryCoalesceMs}`);
    console.log('setup (untimed):');
    const shop = await inventoryShop(stack, { name: 'n3', skus: SKUS, plan: 'standard' });
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of ['push', 'from post'] as const) {
        const r = await round(stack, shop, kind, rounds.length + 1);
        console.log(`round ${r.n} (${kind}): ${r.counters.mutations} mutations, ${r.counters.pointsCharged} points, wall ${r.wallS.toFixed(2)} s vs floor ${r.floorS.toFixed(2)} s, ${r.lost.length} lost, ${r.applied} levels applied`);
        rounds.push(r);
      }
    }
    report(rounds, stack.inventoryCoalesceMs);
  } finally {
    await stack.close();
  }
}

runBench(main);
