// `npm start`: installs what is missing, then runs the embedded stack as one supervised group:
// Temporal dev server (unless one already answers on 7233), the Shopify emulator with a demo
// store, the WMS simulator (receives released orders, ships them after a few seconds), and
// Storelink (API + worker, which migrates the database at start). Ctrl-C stops them in reverse
// order, so Storelink drains while Temporal is still there.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BootstrapError, build, ensureNodeModules, ensureTemporalCli, projectRoot } from './bootstrap.mjs';
import { ensureShopifySchema } from './shopify-schema.mjs';
import { NAMESPACE, UI_PORT, portAnswers, startTemporalDevServer, waitFor } from './temporal-dev-server.mjs';

const dataDir = path.resolve(projectRoot, process.env.STORELINK_DATA_DIR || '.data');
const devTokenFile = path.join(dataDir, 'dev-token');
const apiHost = process.env.API_HOST || '127.0.0.1';
const apiUrl = `http://${apiHost === '0.0.0.0' ? '127.0.0.1' : apiHost}:${process.env.API_PORT || 8080}`;
const shopifyEmulatorPort = Number(process.env.SHOPIFY_EMULATOR_PORT || 8701);
const wmsSimulatorPort = Number(process.env.WMS_SIMULATOR_PORT || 8702);

/** The demo WMS's webhook secret: made once per data folder, like the dev token. */
function demoWmsSecret() {
  const file = path.join(dataDir, 'demo-wms-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

const children = [];
let stopping = false;

function waitExit(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  // Reverse start order: Storelink drains its worker while Temporal is still there.
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    console.log(`[start] stopping ${name}…`);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    await waitExit(child);
    clearTimeout(killer);
  }
  process.exit(code);
}

async function readyz() {
  try {
    return (await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** With no connection yet, the demo connects the emulator's demo store so there is something to see. */
/** A call to Storelink's API with the dev token. */
function apiCaller(token) {
  return async (method, route, body) => {
    const response = await fetch(`${apiUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const payload = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${payload.error?.message ?? response.status}`);
    return payload;
  };
}

async function ensureDemoConnection(token) {
  const api = apiCaller(token);
  const { connections } = await api('GET', '/v1/connections');
  if (connections.length > 0) return connections.length === 1 && connections[0].clientCode === 'DEMO' ? connections[0] : undefined;
  const demo = await api('POST', '/v1/connections', {
    channel: 'shopify',
    clientCode: 'DEMO',
    warehouseCode: 'WH1',
    displayName: 'Demo store (emulator)',
    credentials: { shop: 'demo.myshopify.com', accessToken: 'shpat_demo', appSecret: 'demo-app-secret', baseUrl: `http://127.0.0.1:${shopifyEmulatorPort}` },
  });
  if (demo.status === 'draft') await api('POST', `/v1/connections/${demo.id}/finish`);
  return demo;
}

/**
 * Demo only: the emulator's store tells Storelink about new orders by webhook (OD-2) and gets a
 * new order every 20 s, so a newcomer sees orders arrive, get released and ship in the Web UI.
 */
async function startDemoOrderFlow() {
  const shopAdmin = `http://127.0.0.1:${shopifyEmulatorPort}/_admin/shops/demo.myshopify.com`;
  const post = (route, body) =>
    fetch(`${shopAdmin}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => undefined);
  for (const topic of ['orders/create', 'orders/updated', 'orders/cancelled']) await post('/webhooks', { topic, address: `${apiUrl}/webhooks/shopify` });
  setInterval(() => void post('/orders/generate', { count: 1, seed: Math.floor(Math.random() * 1e9), cancelledRate: 0 }), 20_000).unref();
}

/**
 * Demo only: once the demo connection has completed its import, inventory sync is turned on
 * (warehouse WH1 → the store's first location) and a pretend WMS posts the store's stock as its
 * levels, then a few changes every 30 s, so the inventory loop `inventory:{id}` has work to show.
 */
async function startDemoInventoryFlow(token, demo) {
  const api = apiCaller(token);
  const shopAdmin = `http://127.0.0.1:${shopifyEmulatorPort}/_admin/shops/demo.myshopify.com`;
  for (let i = 0; i < 120; i++) {
    const { status, settings } = await api('GET', `/v1/connections/${demo.id}`);
    if (status === 'completed') {
      if (!settings.syncInventory) {
        const stock = await (await fetch(`${shopAdmin}/inventory`)).json();
        const location = Math.min(...stock.map((l) => l.location_id));
        await api('PATCH', `/v1/connections/${demo.id}/settings`, { syncInventory: true, locationMap: { WH1: `gid://shopify/Location/${location}` } });
        const levels = stock.filter((l) => l.location_id === location && l.sku).map((l) => ({ sku: l.sku, warehouseCode: 'WH1', onHand: Math.max(0, l.on_hand), asOf: new Date().toISOString() }));
        await api('POST', '/v1/inventory/levels', { clientCode: 'DEMO', levels });
      }
      const known = (await (await fetch(`${shopAdmin}/inventory`)).json()).filter((l) => l.sku);
      setInterval(() => {
        const changes = Array.from({ length: 3 }, () => known[Math.floor(Math.random() * known.length)]).map((l) => ({
          sku: l.sku,
          warehouseCode: 'WH1',
          onHand: Math.floor(Math.random() * 200),
          asOf: new Date().toISOString(),
        }));
        void api('POST', '/v1/inventory/levels', { clientCode: 'DEMO', levels: changes }).catch(() => undefined);
      }, 30_000).unref();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function main() {
  const started = Date.now();
  ensureNodeModules();
  const temporalBinary = ensureTemporalCli();
  await ensureShopifySchema(projectRoot);
  build();

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const temporal = await startTemporalDevServer(temporalBinary, dataDir);
  if (temporal) children.push({ name: 'Temporal dev server', child: temporal });
  else console.log('[start] a Temporal server already answers on 7233: using it');

  // Demo only: a local Shopify (emulators/shopify) with a seeded store; production never starts it.
  const shopify = spawn(process.execPath, ['dist/emulators/shopify/main.js'], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
    env: { ...process.env, SHOPIFY_EMULATOR_PORT: String(shopifyEmulatorPort) },
  });
  children.push({ name: 'Shopify emulator (demo)', child: shopify });

  // Demo only: a warehouse that receives released orders and ships them (emulators/wms). A real
  // WMS_WEBHOOK_URL in the environment replaces it.
  const wmsSecret = process.env.WMS_WEBHOOK_SECRET || demoWmsSecret();
  const demoWms = !process.env.WMS_WEBHOOK_URL;
  if (demoWms) {
    const wms = spawn(process.execPath, ['dist/emulators/wms/main.js'], {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
      env: { ...process.env, WMS_SIMULATOR_PORT: String(wmsSimulatorPort), WMS_WEBHOOK_SECRET: wmsSecret, STORELINK_API_URL: apiUrl, STORELINK_API_TOKEN_FILE: devTokenFile },
    });
    children.push({ name: 'WMS simulator (demo)', child: wms });
  }
  const wmsEnv = demoWms ? { WMS_WEBHOOK_URL: `http://127.0.0.1:${wmsSimulatorPort}/webhooks/storelink`, WMS_WEBHOOK_SECRET: wmsSecret } : {};

  const app = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', '--dev-token-file', devTokenFile], {
    cwd: projectRoot,
    stdio: 'inherit',
    detached: true,
    env: { LOG_FORMAT: 'pretty', ...process.env, ...wmsEnv, STORELINK_DATA_DIR: dataDir },
  });
  children.push({ name: 'Storelink (API + worker)', child: app });
  for (const { name, child } of children) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the rest`);
      void stopAll(1);
    });
  }

  await waitFor(readyz, 'Storelink API', 120_000);
  await waitFor(() => portAnswers(shopifyEmulatorPort), 'Shopify emulator', 30_000);
  await waitFor(async () => fs.existsSync(devTokenFile), 'dev token', 10_000);
  const token = fs.readFileSync(devTokenFile, 'utf8').trim();
  const demo = await ensureDemoConnection(token).catch((error) => {
    console.error(`[start] the demo connection could not be created: ${error.message}`);
    return undefined;
  });
  if (demo) {
    await startDemoOrderFlow();
    void startDemoInventoryFlow(token, demo).catch((error) => console.error(`[start] demo inventory: ${error.message}`));
  }
  console.log(`
  Storelink is up (${((Date.now() - started) / 1000).toFixed(1)} s)
    Temporal Web UI  http://localhost:${UI_PORT}/namespaces/${NAMESPACE}/workflows
    API              ${apiUrl}
    API docs         ${apiUrl}/docs
    Dev API token    ${token}
    Demo Shopify     http://127.0.0.1:${shopifyEmulatorPort}/shops/demo.myshopify.com  (emulator; token shpat_demo)${demoWms ? `
    Demo WMS         http://127.0.0.1:${wmsSimulatorPort}/_admin/orders  (simulator: ships released orders after ~10 s)` : ''}${demo ? `
    Demo orders      a new order every 20 s: watch them in the Web UI (search OrderStatus, StoreName)` : ''}${demo ? `
    Demo inventory   WMS levels every 30 s → the loop inventory:${demo.id} pushes them` : ''}${demo ? `
    Demo connection  ${demo.id}  (node bin/storelink.js connections show ${demo.id})` : ''}
    Data             ${dataDir}  (delete it to start afresh)
  Ctrl-C stops everything.
`);
}

main().catch((error) => {
  console.error(error instanceof BootstrapError ? `[bootstrap] ${error.message}` : `[start] ${error.message}`);
  void stopAll(1);
});
