// HTTP server of the WMS simulator: plays the warehouse for the demo, tests and benchmarks. It
// receives Storelink's signed outbound webhooks (receiver.ts), "ships" released orders after a
// delay by posting progress and shipments to Storelink's API (warehouse.ts, storelink.ts), and
// has an admin API to inspect and steer it (admin.ts). Dev, test and bench only.
import Fastify, { LogController } from 'fastify';
import { registerAdminRoutes } from './admin';
import { registerWebhookRoute, WEBHOOK_PATH } from './receiver';
import { DEFAULT_SIMULATOR_CONFIG, SimulatorStore } from './store';
import { StorelinkPoster } from './storelink';
import { Warehouse } from './warehouse';

export interface WmsSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The secret Storelink signs outbound webhooks with. */
  secret: string;
  /** Base URL of Storelink's API (without /v1); settable later with setStorelink. */
  storelinkUrl?: string;
  /** Bearer token for Storelink's API; a function is called at every post (e.g. to read a token file). */
  apiToken?: string | (() => string | undefined);
  autoShip?: boolean;
  progressDelayMs?: number;
  shipDelayMs?: number;
  /** Fastify/pino logging of what the warehouse does (not of every request); off by default for tests. */
  logger?: boolean;
}

export interface WmsSimulator {
  url: string;
  /** Where Storelink should send its outbound webhooks. */
  webhookUrl: string;
  /** Point the simulator at Storelink once its API is up (tests start the API after the simulator). */
  setStorelink(url: string, token: string): void;
  close(): Promise<void>;
}

export async function startWmsSimulator(options: WmsSimulatorOptions): Promise<WmsSimulator> {
  const store = new SimulatorStore({
    ...DEFAULT_SIMULATOR_CONFIG,
    autoShip: options.autoShip ?? DEFAULT_SIMULATOR_CONFIG.autoShip,
    progressDelayMs: options.progressDelayMs ?? DEFAULT_SIMULATOR_CONFIG.progressDelayMs,
    shipDelayMs: options.shipDelayMs ?? DEFAULT_SIMULATOR_CONFIG.shipDelayMs,
  });
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const apiToken = options.apiToken;
  const storelink = new StorelinkPoster({ url: options.storelinkUrl, token: typeof apiToken === 'function' ? apiToken : () => apiToken }, app.log);
  const warehouse = new Warehouse(store, storelink);

  await app.register(async (scope) => registerWebhookRoute(scope, { store, warehouse, secret: options.secret }));
  await app.register(async (scope) => registerAdminRoutes(scope, { store, warehouse, storelink }));
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ error: 'not found' }));

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    url,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    setStorelink: (storelinkUrl, token) => {
      storelink.target = { url: storelinkUrl, token: () => token };
    },
    close: async () => {
      warehouse.close();
      await app.close();
    },
  };
}
