/**
 * N-2 (order ingestion) and N-6 (channel calls per imported order) in one run; N-5 reuses it.
 *
 * 10,000 orders generated on the Shopify emulator (plus plan, all paid), one ordersDownloadWorkflow
 * run, timed from its start until every order's workflow was started (orders.workflow_started_at,
 * written right after the signal-with-start returned) and until every order workflow had run its
 * first steps (orders.released_at, written by its second activity). Target N-2: ≥ 50 % of floor A,
 * the raw workflow-start rate of the same server, measured before and after the download. Target
 * N-6: ≤ 0.1 reads (GraphQL queries) and 1 tag write (tagsAdd mutation) per imported order, from
 * the emulator's counters around the download.
 *
 *   npm run bench:n2 -- [orders=10000]
 */
import { PLAN_LIMITS } from '../emulators/shopify/bucket';
import type { OrdersDownloadProgress } from '../src/definitions';
import {
  createShop,
  floorStartRate,
  loadAverage,
  machineNote,
  mb,
  orderCounts,
  printProfile,
  runBench,
  sleep,
  startDownload,
  startOrderStack,
  wallMs,
  type MemoryFigures,
  type OrderStack,
} from './order-stack';
import type { CallTiming } from './stack-process';

const FLOOR_STARTS = 2000;
const FLOOR_CONCURRENCY = 64;

interface Counters {
  graphqlRequests: number;
  mutations: number;
  throttled: number;
  pointsCharged: number;
}

export interface IngestionResult {
  note: string;
  orders: number;
  maxCachedWorkflows: number;
  floorA: { before: number; after: number; sequentialBefore: number };
  /** seconds from the download's start */
  allStartedS: number;
  allReleasedS: number;
  downloadDoneS: number;
  download: OrdersDownloadProgress['counts'];
  counters: Counters;
  /** the channel's own floor: points charged ÷ the plan's restore rate, less the full bucket at the start */
  channelFloorS: number;
  /** orders with a started workflow, every 10 s */
  progress: { s: number; started: number; released: number }[];
  memory: OrderStack['startupMemory'] & { settled: MemoryFigures; afterGc: MemoryFigures };
  /** awaited calls in the Storelink process during the run, by activity */
  profile: CallTiming[];
  loadAtEnd: string;
}

export async function runIngestion({ orders, maxCachedWorkflows, settleMs = Number(process.env.BENCH_SETTLE_MS ?? 30_000) }: { orders: number; maxCachedWorkflows?: number; settleMs?: number }): Promise<IngestionResult> {
  const stack = await startOrderStack({ maxCachedWorkflows });
  try {
    const note = machineNote(stack);
    console.log(`ingestion of ${orders} orders: ${note}`);
    const before = await floorStartRate(stack, 'before', FLOOR_STARTS, FLOOR_CONCURRENCY);
    const sequentialBefore = await floorStartRate(stack, 'before-sequential', 200, 1);
    console.log(`floor A before: ${before.toFixed(1)} starts/s (${FLOOR_CONCURRENCY} in flight), ${sequentialBefore.toFixed(1)} starts/s one at a time`);

    const shop = await createShop(stack, { name: 'n2', orders });
    await stack.admin.admin('DELETE', `/shops/${shop.domain}/counters`);
    const began = wallMs();
    const seconds = () => (wallMs() - began) / 1000;
    const download = await startDownload(stack, shop);
    const result = download.result() as Promise<OrdersDownloadProgress>;
    let downloadDoneS = 0;
    void result.then(() => (downloadDoneS = seconds()), () => undefined);
    const progress: IngestionResult['progress'] = [];
    let allStartedS = 0;
    let allReleasedS = 0;
    for (let lastSample = -10; !allReleasedS; ) {
      const counts = await orderCounts(stack, shop);
      const s = seconds();
      if (!allStartedS && counts.workflowStarted >= orders) allStartedS = s;
      if (counts.released >= orders) allReleasedS = s;
      if (s - lastSample >= 10) {
        lastSample = s;
        progress.push({ s, started: counts.workflowStarted, released: counts.released });
        console.log(`  ${s.toFixed(0)} s: ${counts.workflowStarted} started, ${counts.released} released`);
      }
      if (s > 3_600) throw new Error(`ingestion did not finish within an hour: ${JSON.stringify(counts)}`);
      await sleep(500);
    }
    const downloaded = await result;
    const profile = await stack.call<CallTiming[]>('profile');
    const counters = (await stack.admin.admin<Counters>('GET', `/shops/${shop.domain}/counters`)).body;
    const after = await floorStartRate(stack, 'after', FLOOR_STARTS, FLOOR_CONCURRENCY);
    console.log(`floor A after: ${after.toFixed(1)} starts/s`);

    await sleep(settleMs);
    const settled = await stack.call<MemoryFigures>('memory', false);
    const afterGc = await stack.call<MemoryFigures>('memory', true);
    const { maximumAvailable, restoreRate } = PLAN_LIMITS.plus;
    return {
      note,
      orders,
      maxCachedWorkflows: stack.maxCachedWorkflows,
      floorA: { before, after, sequentialBefore },
      allStartedS,
      allReleasedS,
      downloadDoneS,
      download: downloaded.counts,
      counters,
      channelFloorS: Math.max(0, counters.pointsCharged - maximumAvailable) / restoreRate,
      progress,
      memory: { ...stack.startupMemory, settled, afterGc },
      profile,
      loadAtEnd: loadAverage(),
    };
  } finally {
    await stack.close();
  }
}

export function printIngestion(r: IngestionResult): void {
  const rate = (s: number) => r.orders / s;
  const floor = (r.floorA.before + r.floorA.after) / 2;
  const pct = (v: number) => `${((100 * v) / floor).toFixed(0)} %`;
  console.log(`\nN-2 ${r.orders} orders, one download run (${r.download.pages} pages, ${r.download.imported} imported, ${r.download.failed} failed); load average at the end ${r.loadAtEnd}`);
  console.log('| figure | value | vs floor A (mean of before/after) |');
  console.log('|---|---|---|');
  console.log(`| floor A before / after (${FLOOR_CONCURRENCY} starts in flight) | ${r.floorA.before.toFixed(1)} / ${r.floorA.after.toFixed(1)} starts/s | mean ${floor.toFixed(1)} |`);
  console.log(`| floor A one start at a time (before) | ${r.floorA.sequentialBefore.toFixed(1)} starts/s | ${pct(r.floorA.sequentialBefore)} |`);
  console.log(`| every order's workflow started | ${r.allStartedS.toFixed(1)} s → ${rate(r.allStartedS).toFixed(1)} orders/s | **${pct(rate(r.allStartedS))}** (target ≥ 50 %) |`);
  console.log(`| every order workflow past its first steps (released) | ${r.allReleasedS.toFixed(1)} s → ${rate(r.allReleasedS).toFixed(1)} orders/s | ${pct(rate(r.allReleasedS))} |`);
  console.log(`| download workflow completed | ${r.downloadDoneS.toFixed(1)} s | — |`);
  const channel = r.channelFloorS > 0 ? `${r.channelFloorS.toFixed(1)} s → at most ${rate(r.channelFloorS).toFixed(1)} orders/s | ${pct(rate(r.channelFloorS))}` : '0 s (the run fits in the full bucket) | —';
  console.log(`| channel floor (points charged ${r.counters.pointsCharged} − the full bucket, ÷ restore rate) | ${channel} |`);
  console.log('progress (s: started / released): ' + r.progress.map((p) => `${p.s.toFixed(0)}: ${p.started}/${p.released}`).join(', '));

  const imported = Math.max(1, r.download.imported);
  const reads = r.counters.graphqlRequests - r.counters.mutations;
  console.log(`\nN-6 emulator counters around the download (${imported} orders imported)`);
  console.log('| figure | count | per imported order | target |');
  console.log('|---|---|---|---|');
  console.log(`| GraphQL reads (queries; ${r.counters.throttled} THROTTLED answers included) | ${reads} | ${(reads / imported).toFixed(4)} | ≤ 0.1 |`);
  console.log(`| tag writes (tagsAdd mutations) | ${r.counters.mutations} | ${(r.counters.mutations / imported).toFixed(4)} | ≤ 1 |`);
  console.log(`| points charged | ${r.counters.pointsCharged} | ${(r.counters.pointsCharged / imported).toFixed(1)} | — |`);

  printProfile(r.profile, { count: imported, label: 'imported order' });

  const m = r.memory;
  const flags = [process.env.BENCH_STORELINK_NODE_ARGS, process.env.BENCH_WORKFLOW_PRELOAD && `workflow bundle preloading ${process.env.BENCH_WORKFLOW_PRELOAD}`].filter(Boolean).join(', ');
  console.log(`\nStorelink process (worker + ${r.note.includes('database postgres') ? 'Postgres pool' : 'PGlite in memory'}), worker maxCachedWorkflows ${r.maxCachedWorkflows}${flags ? `, experiment: ${flags}` : ''}`);
  console.log('| stage | RSS | V8 heap used | external |');
  console.log('|---|---|---|---|');
  for (const [stage, f] of [
    ['modules loaded', m.modulesLoaded],
    ['database open and migrated', m.databaseOpen],
    ['worker created (idle)', m.workerCreated],
    [`${r.orders} open orders waiting for shipment, settled`, m.settled],
    ['the same after a forced GC', m.afterGc],
  ] as const) {
    console.log(`| ${stage} | ${mb(f.rss)} | ${mb(f.heapUsed)} | ${mb(f.external)} |`);
  }
}

if (require.main === module) {
  runBench(async () => printIngestion(await runIngestion({ orders: Number(process.argv[2] ?? 10_000) })));
}
