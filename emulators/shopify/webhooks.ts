// Webhook subscriptions and deliveries. On a store change the emulator snapshots the entity
// as a REST-style payload and POSTs it to every subscribed URL with the headers Shopify's
// libraries validate (HMAC of the raw body with the app secret, Topic, Shop-Domain,
// API-Version, Webhook-Id, Event-Id, Triggered-At). A delivery times out after 5 s and is
// retried with exponential backoff. On request it also duplicates, delays and reorders
// deliveries, because Shopify only promises at-least-once, unordered delivery.
import { createHmac } from 'node:crypto';
import { API_VERSION } from './schema';
import { inventoryLevelPayload, orderPayload, productPayload } from './payloads';
import { randomUuid, seededRandom, shuffle, type Random } from './random';
import { levelKey, type ChangeEvent, type EmulatorStore, type ShopState } from './store';

export const WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'products/create',
  'products/update',
  'inventory_levels/update',
  'customers/data_request',
  'customers/redact',
  'shop/redact',
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];
export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

export interface Subscription {
  id: number;
  shop: string;
  topic: WebhookTopic;
  address: string;
  createdAt: number;
}

export interface WebhookFaults {
  /** Extra copies of every delivery (same webhook id and event id). */
  duplicates: number;
  /** Deliveries are held until this many are queued (or reorderFlushMs passes), then sent shuffled. */
  reorderWindow: number;
  reorderFlushMs: number;
  /** Delay before the first attempt of every delivery. */
  delayMs: number;
}

export interface Attempt {
  at: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface Delivery {
  webhookId: string;
  eventId: string;
  topic: WebhookTopic;
  shop: string;
  address: string;
  body: string;
  triggeredAt: string;
  copy: number;
  attempts: Attempt[];
  state: 'pending' | 'delivered' | 'failed';
}

export interface WebhookOptions {
  timeoutMs?: number;
  /** First retry after this many ms, doubling each time. */
  retryBaseMs?: number;
  maxAttempts?: number;
  seed?: number;
}

export function defaultWebhookFaults(): WebhookFaults {
  return { duplicates: 0, reorderWindow: 0, reorderFlushMs: 250, delayMs: 0 };
}

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export class WebhookDispatcher {
  private readonly subscriptions = new Map<string, Subscription[]>();
  private readonly faults = new Map<string, WebhookFaults>();
  private readonly held = new Map<string, Delivery[]>();
  private readonly flushTimers = new Map<string, NodeJS.Timeout>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];
  private nextSubscriptionId = 1;
  private random: Random;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly listener = (event: ChangeEvent): void => this.onChange(event);

  constructor(
    private readonly store: EmulatorStore,
    options: WebhookOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.random = seededRandom(options.seed ?? 1);
    store.events.on('change', this.listener);
  }

  subscribe(shop: string, topic: WebhookTopic, address: string): Subscription {
    const list = this.subscriptions.get(shop) ?? [];
    const existing = list.find((s) => s.topic === topic && s.address === address);
    if (existing) return existing;
    const sub: Subscription = { id: this.nextSubscriptionId++, shop, topic, address, createdAt: this.store.now() };
    list.push(sub);
    this.subscriptions.set(shop, list);
    return sub;
  }

  unsubscribe(shop: string, id: number): boolean {
    const list = this.subscriptions.get(shop) ?? [];
    const next = list.filter((s) => s.id !== id);
    this.subscriptions.set(shop, next);
    return next.length !== list.length;
  }

  list(shop: string): Subscription[] {
    return [...(this.subscriptions.get(shop) ?? [])];
  }

  setFaults(shop: string, patch: Partial<WebhookFaults>): WebhookFaults {
    const next = { ...(this.faults.get(shop) ?? defaultWebhookFaults()), ...patch };
    this.faults.set(shop, next);
    return next;
  }

  getFaults(shop: string): WebhookFaults {
    return this.faults.get(shop) ?? defaultWebhookFaults();
  }

  deliveriesFor(shop: string): Delivery[] {
    return this.deliveries.filter((d) => d.shop === shop);
  }

  /** Forgets one shop's subscriptions, faults and delivery log. */
  resetShop(shop: string): void {
    this.subscriptions.delete(shop);
    this.faults.delete(shop);
    this.held.delete(shop);
    for (let i = this.deliveries.length - 1; i >= 0; i--) if (this.deliveries[i]?.shop === shop) this.deliveries.splice(i, 1);
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.flushTimers.values()) clearTimeout(t);
    this.flushTimers.clear();
    this.subscriptions.clear();
    this.faults.clear();
    this.held.clear();
    this.deliveries.length = 0;
  }

  /** Resolves once nothing is queued, held, waiting for a retry or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0 || this.flushTimers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.closed = true;
    this.store.events.off('change', this.listener);
    this.reset();
  }

  /** Sends a compliance webhook (GDPR topics) with Shopify's documented payload shape. */
  triggerCompliance(shop: ShopState, topic: ComplianceTopic, payload: Record<string, unknown>): Delivery[] {
    const body = { shop_id: 1, shop_domain: shop.domain, ...payload };
    return this.enqueue(shop, topic, body, this.store.now());
  }

  private onChange(event: ChangeEvent): void {
    const shop = this.store.getShop(event.shop);
    if (!shop || !(this.subscriptions.get(shop.domain) ?? []).some((s) => s.topic === event.topic)) return;
    const body = this.payloadFor(shop, event);
    if (body) this.enqueue(shop, event.topic, body, event.at);
  }

  private payloadFor(shop: ShopState, event: ChangeEvent): Record<string, unknown> | undefined {
    if (event.orderId !== undefined) {
      const order = shop.orders.get(event.orderId);
      return order ? orderPayload(shop, order) : undefined;
    }
    if (event.productId !== undefined) {
      const product = shop.products.get(event.productId);
      return product ? productPayload(shop, product) : undefined;
    }
    if (event.level) {
      const level = shop.levels.get(levelKey(event.level.inventoryItemId, event.level.locationId));
      return level ? inventoryLevelPayload(level) : undefined;
    }
    return undefined;
  }

  private enqueue(shop: ShopState, topic: WebhookTopic, payload: Record<string, unknown>, at: number): Delivery[] {
    if (this.closed) return [];
    const body = JSON.stringify(payload);
    const eventId = randomUuid(this.random);
    const triggeredAt = new Date(at).toISOString();
    const faults = this.getFaults(shop.domain);
    const created: Delivery[] = [];
    for (const sub of this.subscriptions.get(shop.domain) ?? []) {
      if (sub.topic !== topic) continue;
      const webhookId = randomUuid(this.random);
      for (let copy = 0; copy <= faults.duplicates; copy++) {
        const d: Delivery = {
          webhookId,
          eventId,
          topic,
          shop: shop.domain,
          address: sub.address,
          body,
          triggeredAt,
          copy,
          attempts: [],
          state: 'pending',
        };
        this.deliveries.push(d);
        created.push(d);
      }
    }
    if (faults.reorderWindow > 1) this.hold(shop, created, faults);
    else for (const d of created) this.schedule(shop, d, faults.delayMs);
    return created;
  }

  /** Reordering: collect a window of deliveries, then release them shuffled. */
  private hold(shop: ShopState, deliveries: Delivery[], faults: WebhookFaults): void {
    const queue = this.held.get(shop.domain) ?? [];
    queue.push(...deliveries);
    this.held.set(shop.domain, queue);
    const flush = (): void => {
      const t = this.flushTimers.get(shop.domain);
      if (t) clearTimeout(t);
      this.flushTimers.delete(shop.domain);
      const batch = this.held.get(shop.domain) ?? [];
      this.held.set(shop.domain, []);
      // A shuffle may return the original order; reverse then, so reordering is observable.
      const original = [...batch];
      shuffle(this.random, batch);
      if (batch.length > 1 && batch.every((d, i) => d === original[i])) batch.reverse();
      for (const d of batch) this.schedule(shop, d, faults.delayMs);
    };
    if (queue.length >= faults.reorderWindow) flush();
    else if (!this.flushTimers.has(shop.domain)) {
      this.flushTimers.set(shop.domain, setTimeout(flush, faults.reorderFlushMs));
    }
  }

  private schedule(shop: ShopState, d: Delivery, delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      this.track(this.attempt(shop, d));
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(shop, d));
    }, delayMs);
    this.timers.add(timer);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(shop: ShopState, d: Delivery): Promise<void> {
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.address, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Hmac-Sha256': signWebhook(d.body, shop.appSecret),
          'X-Shopify-Topic': d.topic,
          'X-Shopify-Shop-Domain': d.shop,
          'X-Shopify-API-Version': API_VERSION,
          'X-Shopify-Webhook-Id': d.webhookId,
          'X-Shopify-Event-Id': d.eventId,
          'X-Shopify-Triggered-At': d.triggeredAt,
        },
        body: d.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    d.attempts.push({ at: started, status, error, durationMs: Date.now() - started });
    if (status !== null && status >= 200 && status < 300) {
      d.state = 'delivered';
      return;
    }
    if (d.attempts.length >= this.maxAttempts || this.closed) {
      d.state = 'failed';
      return;
    }
    this.schedule(shop, d, this.retryBaseMs * 2 ** (d.attempts.length - 1));
  }
}
