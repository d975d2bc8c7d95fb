/**
 * N-7: the embedded Temporal `npm start` runs (SQLite WAL + synchronous=normal) against a plain
 * `temporal server start-dev --db-filename`: workflow-start rate (target ≥ 2×), and data kept
 * across a killed (SIGKILL) server process.
 *
 *   npm run build && node dist/bench/n7-embedded-temporal.js [starts=2000] [rounds=3]
 *
 * Both servers run on this machine in the same run, alternately, each on a fresh database file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from './free-port';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type * as DevServer from '../scripts/temporal-dev-server.mjs';
import { projectRoot } from '../src/paths';

// The same argument list `npm start` uses (plain Node module; Node ≥ 20.19 requires ESM natively).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { devServerArgs, waitFor } = require(path.join(projectRoot, 'scripts', 'temporal-dev-server.mjs')) as typeof DevServer;

const STARTS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 64;
const binary = process.env.TEMPORAL_CLI_PATH ?? path.join(projectRoot, '.tools', 'temporal', 'bin', 'temporal');

type Variant = 'plain' | 'embedded';

async function startServer(variant: Variant, dbFile: string, port: number): Promise<ChildProcess> {
  const uiPort = await freePort();
  const args =
    variant === 'embedded'
      ? devServerArgs(dbFile, { port, uiPort })
      : ['server', 'start-dev', '--db-filename', dbFile, '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn'];
  const child = spawn(binary, args, { stdio: 'ignore' });
  await waitFor(async () => {
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: '1s' });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      return true;
    } catch {
      return false;
    }
  }, `${variant} server`, 60_000);
  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Starts `count` workflows (no worker needed: a start is a history write) with bounded concurrency. */
async function startWorkflows(client: Client, prefix: string, count: number): Promise<number> {
  let next = 0;
  const began = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await client.workflow.start('benchNoop', { taskQueue: 'n7-bench', workflowId: `${prefix}-${i}` });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return count / seconds;
}

/**
 * How many of the acknowledged starts the restarted server still has. Asked per workflow with
 * describe (the server's own record), not through visibility, which catches up asynchronously.
 */
async function countExisting(client: Client, prefix: string, count: number): Promise<number> {
  let next = 0;
  let found = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        try {
          await client.workflow.getHandle(`${prefix}-${i}`).describe();
          found++;
        } catch {
          // not found: lost with the killed process
        }
      }
    }),
  );
  return found;
}

async function measure(variant: Variant, round: number): Promise<{ rate: number; keptAfterKill?: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `n7-${variant}-`));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  let server = await startServer(variant, dbFile, port);
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  const client = new Client({ connection });
  const rate = await startWorkflows(client, `${variant}-${round}`, STARTS);
  let keptAfterKill: number | undefined;
  if (variant === 'embedded') {
    await stop(server, 'SIGKILL'); // what R-1/R-2 do; WAL + synchronous=normal must keep every acknowledged start
    server = await startServer(variant, dbFile, port);
    const after = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }) });
    keptAfterKill = await countExisting(after, `${variant}-${round}`, STARTS);
    await after.connection.close();
  }
  await connection.close();
  await stop(server, 'SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  return { rate, keptAfterKill };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const rates: Record<Variant, number[]> = { plain: [], embedded: [] };
  const kept: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ['plain', 'embedded'] as const) {
      const result = await measure(variant, round);
      rates[variant].push(result.rate);
      if (result.keptAfterKill !== undefined) kept.push(result.keptAfterKill);
      console.log(`round ${round + 1} ${variant.padEnd(8)} ${result.rate.toFixed(1)} starts/s${result.keptAfterKill === undefined ? '' : `, ${result.keptAfterKill}/${STARTS} kept after kill -9`}`);
    }
  }
  const plain = median(rates.plain);
  const embedded = median(rates.embedded);
  console.log(`\nN-7 ${STARTS} starts × ${ROUNDS} rounds, concurrency ${CONCURRENCY}`);
  console.log(`plain --db-filename      median ${plain.toFixed(1)} starts/s  (${rates.plain.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`embedded (npm start)     median ${embedded.toFixed(1)} starts/s  (${rates.embedded.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`ratio ${(embedded / plain).toFixed(2)}× (target ≥ 2×); kept after kill -9: ${kept.map((k) => `${k}/${STARTS}`).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
