/**
 * N-5: RSS of the worker process with 10,000 open orders waiting for shipment (imported, released,
 * their workflows idle), after a settle time. Target ≤ 400 MB. The worker runs in a process of its
 * own (bench/stack-process.ts) with the database client: PGlite in memory by default — the embedded
 * stack's one process, the database's pages included — or a Postgres pool with DATABASE_URL (the
 * production worker). The same run gives the N-2 and N-6 figures (bench/n2-order-ingestion.ts).
 *
 *   npm run bench:n5 -- [maxCachedWorkflows …]   # default: TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS
 *   BENCH_ORDERS=2000 npm run bench:n5 -- 100 1000
 */
import { configuredMaxCachedWorkflows, mb, runBench } from './order-stack';
import { printIngestion, runIngestion, type IngestionResult } from './n2-order-ingestion';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const TARGET_MB = 400;

runBench(async () => {
  const sizes = process.argv.slice(2).map(Number);
  const results: IngestionResult[] = [];
  for (const maxCachedWorkflows of sizes.length > 0 ? sizes : [configuredMaxCachedWorkflows()]) {
    const result = await runIngestion({ orders: ORDERS, maxCachedWorkflows });
    printIngestion(result);
    results.push(result);
  }
  console.log(`\nN-5 ${ORDERS} open orders waiting for shipment (target ≤ ${TARGET_MB} MB RSS)`);
  console.log('| worker maxCachedWorkflows | idle worker | settled | after a forced GC | target |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const settled = r.memory.settled.rss / 1024 / 1024;
    console.log(`| ${r.maxCachedWorkflows} | ${mb(r.memory.workerCreated.rss)} | ${mb(r.memory.settled.rss)} | ${mb(r.memory.afterGc.rss)} | ${settled <= TARGET_MB ? 'met' : 'missed'} |`);
  }
});
