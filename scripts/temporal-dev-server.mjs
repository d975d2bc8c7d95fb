// Starts the embedded Temporal dev server (plain Node; used by `npm start`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Must equal src/definitions.ts `searchAttributes` (test/definitions.test.ts checks it). */
export const SEARCH_ATTRIBUTES = ['ConnectionId', 'Channel', 'StoreName', 'OrderNumber', 'OrderStatus'];

export const GRPC_PORT = 7233;
export const UI_PORT = 8233;
export const NAMESPACE = 'default';

/**
 * SQLite in WAL mode with synchronous=normal: ~2.5× the workflow-start rate of the default
 * settings and still survives a killed server process (PLATFORM.md, SPEC N-7).
 */
export function devServerArgs(dbFile, { port = GRPC_PORT, uiPort = UI_PORT } = {}) {
  return [
    'server', 'start-dev',
    '--db-filename', dbFile,
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--namespace', NAMESPACE,
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--log-level', 'warn',
  ];
}

export function portAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

export async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

/** Returns the child process, or undefined when a Temporal already answers on 7233 (used as is). */
export async function startTemporalDevServer(binary, dataDir) {
  if (await portAnswers(GRPC_PORT)) return undefined;
  fs.mkdirSync(dataDir, { recursive: true });
  const log = fs.openSync(path.join(dataDir, 'temporal.log'), 'a');
  const child = spawn(binary, devServerArgs(path.join(dataDir, 'temporal.db')), {
    stdio: ['ignore', log, log],
    detached: true, // its own process group: Ctrl-C reaches the supervisor, which stops it last
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([
    waitFor(async () => (await portAnswers(GRPC_PORT)) && (await portAnswers(UI_PORT)), 'Temporal dev server', 60_000),
    exited.then((code) => {
      throw new Error(`Temporal dev server exited with ${code}; see ${path.join(dataDir, 'temporal.log')}`);
    }),
  ]);
  return child;
}
