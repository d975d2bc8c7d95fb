// The one way the Shopify adapter talks to Shopify: `@shopify/shopify-api` 13's GraphQL client
// (Admin API 2026-07, no REST), with cost-bucket pacing, THROTTLED absorption, zod-parsed
// responses and every failure mapped into the channel error taxonomy.
//
// Retries: the library retries only HTTP 429/503 and only when asked (`retries` > 0), sleeping a
// fixed second; it never retries Shopify's real throttle signal (HTTP 200 + THROTTLED). We never
// pass `retries`, so the library sends each request once and this client alone decides: it
// waits out THROTTLED answers (pacing, bounded by `maxThrottleWaitMs`, then a ThrottledError with
// the wait), and leaves 5xx/network failures to the caller as TransientError.
import {
  ApiVersion,
  GraphqlQueryError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
  LogSeverity,
  Session,
  shopifyApi,
  type GraphqlClient,
} from '@shopify/shopify-api';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuthError, PermanentError, ThrottledError, TransientError, type ChannelError } from '../errors';
import { describeIssues } from '../issues';
import { bucketFor, throttledWaitMs, type CostBucket } from './cost-bucket';
import { routeShopToBaseUrl } from './transport';

export interface ShopifyClientOptions {
  /** `name.myshopify.com`. */
  shop: string;
  /** Admin API access token of the store's custom app. Never logged. */
  accessToken: string;
  /** App secret (the library requires one; webhooks are verified with it). */
  apiSecretKey: string;
  /** Emulator base URL; unset in production. */
  baseUrl?: string;
  /** Longest total wait spent absorbing THROTTLED answers for one request (default 60 s). */
  maxThrottleWaitMs?: number;
  /** Per-request timeout (default 30 s); a timeout is a TransientError. */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Test seams. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const throttleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number().positive(),
});
const costSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number().nullable(),
  throttleStatus: throttleStatusSchema,
});
const extensionsSchema = z.object({ cost: costSchema.optional() }).loose();
const graphQLErrorSchema = z
  .object({
    message: z.string(),
    extensions: z.object({ code: z.string().optional(), requiredAccess: z.string().optional() }).loose().optional(),
  })
  .loose();
const failedBodySchema = z.object({
  extensions: extensionsSchema.optional(),
  errors: z.object({ graphQLErrors: z.array(graphQLErrorSchema).optional() }).loose(),
});
const unauthorizedBodySchema = z.object({ errors: z.string() });

type GraphQLErrorJson = z.infer<typeof graphQLErrorSchema>;

const DEFAULT_MAX_THROTTLE_WAIT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function operationName(document: string): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'anonymous';
}

export class ShopifyGraphqlClient {
  readonly shop: string;
  private readonly graphql: GraphqlClient;
  private readonly bucket: CostBucket;
  private readonly maxThrottleWaitMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger | undefined;

  constructor(options: ShopifyClientOptions) {
    this.shop = options.shop.toLowerCase();
    if (options.baseUrl) routeShopToBaseUrl(this.shop, options.baseUrl);
    const shopify = shopifyApi({
      apiSecretKey: options.apiSecretKey,
      adminApiAccessToken: options.accessToken,
      isCustomStoreApp: true,
      isEmbeddedApp: false,
      hostName: 'storelink.invalid', // our own app host; unused by Admin API calls
      apiVersion: ApiVersion.July26,
      logger: { level: LogSeverity.Error, httpRequests: false, log: async () => undefined },
    });
    const session = new Session({ id: `offline_${this.shop}`, shop: this.shop, state: '', isOnline: false });
    this.graphql = new shopify.clients.Graphql({ session });
    this.bucket = bucketFor(`${options.baseUrl ?? 'shopify'}|${this.shop}`, options.now);
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? DEFAULT_MAX_THROTTLE_WAIT_MS;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sleep = options.sleep ?? defaultSleep;
    this.logger = options.logger;
  }

  /**
   * Sends one document and returns its `data` parsed by `schema`. Paces by the cost bucket,
   * absorbs THROTTLED answers up to `maxThrottleWaitMs`, maps everything else to ChannelErrors.
   */
  async request<T>(document: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    const operation = operationName(document);
    let waited = 0;
    for (;;) {
      const pace = this.bucket.waitFor(this.bucket.knownCost(operation));
      if (pace > 0) {
        if (waited + pace > this.maxThrottleWaitMs) throw this.throttled(operation, pace);
        this.logger?.debug({ shop: this.shop, operation, waitMs: pace }, 'pacing Shopify request by cost bucket');
        await this.sleep(pace);
        waited += pace;
      }
      this.bucket.reserve(this.bucket.knownCost(operation));
      const outcome = await this.send(document, variables, operation);
      if (outcome.kind === 'data') return this.parseData(outcome.data, schema, operation);
      const wait = outcome.waitMs;
      if (waited + wait > this.maxThrottleWaitMs) throw this.throttled(operation, wait);
      this.logger?.debug({ shop: this.shop, operation, waitMs: wait }, 'Shopify answered THROTTLED; waiting for the bucket');
      await this.sleep(wait);
      waited += wait;
    }
  }

  private throttled(operation: string, waitMs: number): ThrottledError {
    return new ThrottledError(`Shopify cost bucket of ${this.shop} needs ${waitMs} ms more for ${operation}`, waitMs, 'THROTTLED');
  }

  private parseData<T>(data: unknown, schema: z.ZodType<T>, operation: string): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new PermanentError(`Shopify ${operation} returned an unexpected response: ${describeIssues(parsed.error)}`);
    }
    return parsed.data;
  }

  private observeCost(extensions: unknown, operation: string): z.infer<typeof costSchema> | undefined {
    const parsed = extensionsSchema.safeParse(extensions);
    const cost = parsed.success ? parsed.data.cost : undefined;
    if (cost) {
      this.bucket.observe(cost.throttleStatus);
      this.bucket.learnCost(operation, cost.requestedQueryCost);
    }
    return cost;
  }

  private async send(
    document: string,
    variables: Record<string, unknown>,
    operation: string,
  ): Promise<{ kind: 'data'; data: unknown } | { kind: 'throttled'; waitMs: number }> {
    try {
      const response = await this.graphql.request(document, { variables, signal: AbortSignal.timeout(this.timeoutMs) });
      this.observeCost(response.extensions, operation);
      return { kind: 'data', data: response.data };
    } catch (error) {
      if (error instanceof GraphqlQueryError) {
        const body = failedBodySchema.safeParse(error.body);
        if (!body.success) throw new PermanentError(`Shopify ${operation} failed with an unreadable error: ${describeIssues(body.error)}`);
        const cost = this.observeCost(body.data.extensions, operation);
        const errors = body.data.errors.graphQLErrors ?? [];
        if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
          return { kind: 'throttled', waitMs: cost ? throttledWaitMs(cost.requestedQueryCost, cost.throttleStatus) : 1000 };
        }
        throw graphQLErrorsToChannelError(errors, operation);
      }
      throw await httpErrorToChannelError(error, operation);
    }
  }
}

/** GraphQL-level errors (HTTP 200) other than THROTTLED. */
export function graphQLErrorsToChannelError(errors: GraphQLErrorJson[], operation: string): ChannelError {
  const message = errors.map((e) => e.message).join('; ') || 'GraphQL operation failed';
  const denied = errors.filter((e) => e.extensions?.code === 'ACCESS_DENIED');
  if (denied.length > 0) {
    const scopes = [...new Set(denied.flatMap((e) => [...(e.extensions?.requiredAccess ?? e.message).matchAll(/`(\w+)`/g)].map((m) => m[1] as string)))];
    return new AuthError(`Shopify denied ${operation}: ${message}`, scopes, 'ACCESS_DENIED');
  }
  const code = errors.find((e) => e.extensions?.code)?.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR') return new TransientError(`Shopify ${operation}: ${message}`, 200, code);
  return new PermanentError(`Shopify ${operation}: ${message}`, code);
}

/** Transport-level failures: HTTP status errors and requests that got no response. */
async function httpErrorToChannelError(error: unknown, operation: string): Promise<ChannelError> {
  if (error instanceof HttpThrottlingError) {
    const retryAfter = error.response.retryAfter;
    return new ThrottledError(`Shopify answered 429 to ${operation}`, retryAfter ? Math.ceil(retryAfter * 1000) : 1000, '429');
  }
  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    if (status === 401 || status === 403) {
      const detail = await shopifyMessage(error);
      return new AuthError(`Shopify rejected the credentials (${status})${detail ? `: ${detail}` : ''}`, [], String(status));
    }
    if (status >= 500) return new TransientError(`Shopify answered ${status} ${error.response.statusText} to ${operation}`, status);
    return new PermanentError(`Shopify answered ${status} ${error.response.statusText} to ${operation}`, String(status));
  }
  if (error instanceof HttpRequestError) return new TransientError(`Shopify ${operation} got no response: ${error.message}`);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new TransientError(`Shopify ${operation} timed out`);
  }
  return new PermanentError(`Shopify ${operation} failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Shopify's own `{"errors": "..."}` text of a non-2xx answer (the library leaves it unread). */
async function shopifyMessage(error: HttpResponseError): Promise<string | undefined> {
  const raw = z.object({ errors: z.object({ response: z.instanceof(Response) }).loose() }).safeParse(error.response.body);
  if (!raw.success || raw.data.errors.response.bodyUsed) return undefined;
  try {
    const body = unauthorizedBodySchema.safeParse(await raw.data.errors.response.json());
    return body.success ? body.data.errors.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
