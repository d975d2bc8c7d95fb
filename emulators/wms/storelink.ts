// Posts the warehouse's progress and shipments back to Storelink's API (O-2, O-3) with the WMS's
// bearer token. 5xx and network failures are retried a few times with backoff, with the same body
// (a shipment's wmsShipmentId makes a repeat harmless); any other answer is Storelink refusing the
// request: logged and recorded, never retried. Every post and attempt lands in the order's record.
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { OrderRecord, PostAttempt, PostRecord } from './store';

export interface StorelinkTarget {
  url: string | undefined;
  /** Called at every post: a token file may be written only after the simulator started. */
  token: () => string | undefined;
}

const MAX_ATTEMPTS = 4;
const RETRY_BASE_MS = 250;
const ATTEMPT_TIMEOUT_MS = 10_000;

async function readResponse(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class StorelinkPoster {
  constructor(
    public target: StorelinkTarget,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Never throws: the outcome is in the returned record (`failed` too when `signal` stopped it). */
  async post(record: OrderRecord, kind: PostRecord['kind'], body: unknown, signal: AbortSignal): Promise<PostRecord> {
    const path = `/v1/orders/${encodeURIComponent(record.order.id)}/${kind === 'event' ? 'events' : 'shipments'}`;
    const post: PostRecord = { kind, path, body, outcome: 'pending', error: null, attempts: [], response: null };
    record.posts.push(post);
    const context = { orderId: record.order.id, orderNumber: record.order.orderNumber, path };
    const fail = (error: string): PostRecord => {
      post.outcome = 'failed';
      post.error = error;
      this.log.warn(context, `WMS simulator: ${kind} post failed: ${error}`);
      return post;
    };
    const base = this.target.url;
    if (!base) return fail('no Storelink URL configured');

    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(`${base.replace(/\/$/, '')}${path}`, body, signal);
      post.attempts.push(result.attempt);
      post.response = result.response;
      const status = result.attempt.status;
      if (status !== null && status >= 200 && status < 300) {
        post.outcome = 'ok';
        this.log.info({ ...context, status }, `WMS simulator: posted ${kind}`);
        return post;
      }
      if (status !== null && status < 500) {
        post.outcome = 'rejected';
        this.log.warn({ ...context, status, response: result.response }, `WMS simulator: Storelink refused the ${kind} post`);
        return post;
      }
      if (signal.aborted) return fail('stopped (order cancelled, reset or simulator closed)');
      if (attempt === MAX_ATTEMPTS) return fail(`gave up after ${MAX_ATTEMPTS} attempts`);
      try {
        await delay(RETRY_BASE_MS * 2 ** (attempt - 1), undefined, { signal });
      } catch {
        return fail('stopped (order cancelled, reset or simulator closed)');
      }
    }
  }

  private async attempt(url: string, body: unknown, signal: AbortSignal): Promise<{ attempt: PostAttempt; response: unknown }> {
    const at = new Date().toISOString();
    const token = this.target.token();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      return { attempt: { at, status: response.status, error: null }, response: await readResponse(response) };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return { attempt: { at, status: null, error: cause ?? String(error) }, response: null };
    }
  }
}
