// HTTP server of the Shopify Admin GraphQL API 2026-07 emulator.
//
// One process serves many shops. A shop is chosen by a path prefix:
//
//   POST {url}/shops/{shop}.myshopify.com/admin/api/2026-07/graphql.json
//
// so an adapter's base URL override is simply `{url}/shops/{shop}` (no DNS or Host tricks).
// As a convenience the un-prefixed Shopify path `/admin/api/2026-07/graphql.json` also works
// when the Host header names the shop (`demo.myshopify.com[:port]`).
//
// Auth: `X-Shopify-Access-Token` must be a token registered for that shop through the admin
// API (/_admin, see admin.ts), else 401 with Shopify's body. Other API versions answer 404.
// Fault injection (latency, 5xx, hung requests) applies before auth, like an edge failure.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerAdminRoutes } from './admin';
import { runGraphQL, type GraphQLBody } from './graphql';
import { seededRandom, type Random } from './random';
import { API_VERSION, loadShopifySchema, type ShopifySchema } from './schema';
import { EmulatorStore, type ShopInput, type ShopState } from './store';
import { WebhookDispatcher, type WebhookOptions } from './webhooks';
import { randomUUID } from 'node:crypto';

export interface ShopifyEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Path of admin_2026-07.json[.gz]; defaults to SHOPIFY_SCHEMA_PATH or .cache/shopify. */
  schemaPath?: string;
  /** Clock for timestamps and the leaky bucket (ms since epoch). */
  now?: () => number;
  /** Seed of the PRNG behind error rates, webhook ids and reordering. */
  seed?: number;
  /** Fastify/pino logging; off by default for tests. */
  logger?: boolean;
  webhooks?: WebhookOptions;
  /** Shops to create at start-up. */
  shops?: ShopInput[];
}

export interface ShopifyEmulator {
  url: string;
  port: number;
  store: EmulatorStore;
  webhooks: WebhookDispatcher;
  app: FastifyInstance;
  /** Base URL for one shop: append `/admin/api/2026-07/graphql.json`. */
  shopUrl(domain: string): string;
  graphqlUrl(domain: string): string;
  close(): Promise<void>;
}

const UNAUTHORIZED_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

function shopFromHost(host: string | undefined): string | undefined {
  const name = host?.split(':')[0]?.toLowerCase();
  return name && name.endsWith('.myshopify.com') ? name : undefined;
}

export async function startShopifyEmulator(options: ShopifyEmulatorOptions = {}): Promise<ShopifyEmulator> {
  const schema: ShopifySchema = loadShopifySchema(options.schemaPath);
  const store = new EmulatorStore({ now: options.now });
  const webhooks = new WebhookDispatcher(store, { seed: options.seed, ...options.webhooks });
  const random: Random = seededRandom(options.seed ?? 1);
  const timers = new Set<NodeJS.Timeout>();
  for (const shop of options.shops ?? []) store.createShop(shop);

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });
  app.addContentTypeParser('application/graphql', { parseAs: 'string' }, (_req, body, done) => done(null, { query: body }));

  // A resolver exception is an emulator bug: log it even when request logging is off.
  const reportInternalError = (err: unknown): void => {
    if (options.logger) app.log.error({ err }, 'emulator resolver failed');
    else process.stderr.write(`[shopify-emulator] resolver failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  };

  /** Injected faults; returns true when the reply was already handled. */
  async function applyFaults(shop: ShopState, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const f = shop.faults;
    if (f.latencyMs > 0) await sleep(f.latencyMs, timers);
    if (f.timeoutNext > 0) {
      f.timeoutNext--;
      shop.counters.injectedTimeouts++;
      reply.hijack();
      await sleep(f.timeoutMs, timers);
      req.raw.socket.destroy();
      return true;
    }
    if (f.failNext > 0 || (f.errorRate > 0 && random() < f.errorRate)) {
      if (f.failNext > 0) f.failNext--;
      shop.counters.injectedErrors++;
      const message = f.errorStatus === 503 ? 'Service Unavailable' : f.errorStatus === 502 ? 'Bad Gateway' : 'Internal Server Error';
      await reply.code(f.errorStatus).send({ errors: message });
      return true;
    }
    return false;
  }

  async function handle(domain: string | undefined, version: string, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    reply.header('X-Request-Id', randomUUID());
    if (version !== API_VERSION) return reply.code(404).send({ errors: 'Not Found' });
    const shop = domain ? store.getShop(domain) : undefined;
    if (!shop) return reply.code(404).send({ errors: 'Not Found' });
    shop.counters.requests++;
    if (await applyFaults(shop, req, reply)) return reply;
    const header = req.headers['x-shopify-access-token'];
    const token = typeof header === 'string' ? shop.tokens.get(header) : undefined;
    if (!token) {
      shop.counters.unauthorized++;
      return reply.code(401).send(UNAUTHORIZED_BODY);
    }
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as GraphQLBody;
    const result = await runGraphQL(
      { store, schema, onInternalError: reportInternalError },
      shop,
      token,
      body,
    );
    if (dropsResponse(shop, body)) {
      reply.hijack();
      if (shop.faults.dropResponseAfterMs > 0) await sleep(shop.faults.dropResponseAfterMs, timers);
      req.raw.socket.destroy();
      return reply;
    }
    reply.header('X-Shopify-API-Version', API_VERSION);
    return reply.code(result.status).send(result.body);
  }

  /** The dropResponse fault: the request was carried out; its answer is lost on the way (after dropResponseAfterMs). */
  function dropsResponse(shop: ShopState, body: GraphQLBody): boolean {
    const f = shop.faults;
    if (f.dropResponseNext <= 0 || !f.dropResponseOperation) return false;
    const query = typeof body.query === 'string' ? body.query : '';
    const operation = typeof body.operationName === 'string' ? body.operationName : /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1];
    if (operation !== f.dropResponseOperation) return false;
    f.dropResponseNext--;
    shop.counters.injectedTimeouts++;
    return true;
  }

  app.post('/shops/:shop/admin/api/:version/graphql.json', async (req, reply) => {
    const p = req.params as { shop: string; version: string };
    return handle(p.shop, p.version, req, reply);
  });
  app.post('/admin/api/:version/graphql.json', async (req, reply) => {
    const p = req.params as { version: string };
    return handle(shopFromHost(req.headers.host), p.version, req, reply);
  });
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ errors: 'Not Found' }));
  // Unparseable bodies and the like answer in Shopify's `{"errors": "..."}` form.
  app.setErrorHandler(async (err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) reportInternalError(err);
    return reply.code(status).send({ errors: status === 500 ? 'Internal Server Error' : (err.message ?? 'Bad Request') });
  });

  await app.register(async (admin) => registerAdminRoutes(admin, { store, webhooks }));

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : (options.host ?? '127.0.0.1')}:${port}`;

  return {
    url,
    port,
    store,
    webhooks,
    app,
    shopUrl: (domain) => `${url}/shops/${domain}`,
    graphqlUrl: (domain) => `${url}/shops/${domain}/admin/api/${API_VERSION}/graphql.json`,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      webhooks.close();
      await app.close();
    },
  };
}
