// In-memory state of the WMS simulator: its settings, the orders Storelink sent, every webhook
// delivery (accepted, duplicate or refused) and what the simulator posted back. The admin API
// serves these records as they are, so their shapes are the simulator's read model.
import type { WmsOrder, WmsWebhookBody, WmsWebhookEvent } from '../../src/wms/outbound-webhook';

export interface SimulatorConfig {
  /** Ship released orders by themselves (started event, then a shipment of every line). */
  autoShip: boolean;
  /** Release → `started` event. */
  progressDelayMs: number;
  /** `started` event → shipment. */
  shipDelayMs: number;
  /** Answer 503 to this many next webhook deliveries (before verification), for retry tests. */
  failNextWebhooks: number;
}

export const DEFAULT_SIMULATOR_CONFIG: SimulatorConfig = { autoShip: true, progressDelayMs: 2000, shipDelayMs: 8000, failNextWebhooks: 0 };

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'rejected' | 'injected_failure';

export interface DeliveryRecord {
  receivedAt: string;
  /** From the headers, so also known for refused deliveries. */
  event: string | null;
  idempotencyKey: string | null;
  /** Only for verified deliveries. */
  orderId: string | null;
  status: number;
  outcome: DeliveryOutcome;
  /** Why it was refused (verifyWmsWebhook's reason). */
  reason: string | null;
}

export interface PostAttempt {
  at: string;
  status: number | null;
  error: string | null;
}

export interface PostRecord {
  kind: 'event' | 'shipment';
  path: string;
  body: unknown;
  /** `rejected`: Storelink answered 4xx (not retried); `failed`: 5xx/network after every retry, or nowhere to post. */
  outcome: 'pending' | 'ok' | 'rejected' | 'failed';
  /** Why it failed overall; each attempt's own error is in `attempts`. */
  error: string | null;
  attempts: PostAttempt[];
  /** Storelink's answer to the last attempt (JSON when it parses, else text). */
  response: unknown;
}

export type AutoShipState = 'idle' | 'pending' | 'done' | 'stopped';

export interface OrderRecord {
  /** The latest snapshot received. */
  order: WmsOrder;
  /** Accepted deliveries for this order (distinct idempotency keys). */
  receivedCount: number;
  duplicateCount: number;
  cancelled: boolean;
  autoShip: { state: AutoShipState; reason: string | null };
  events: { event: WmsWebhookEvent; idempotencyKey: string; occurredAt: string; receivedAt: string }[];
  posts: PostRecord[];
}

export class SimulatorError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class SimulatorStore {
  config: SimulatorConfig;
  readonly orders = new Map<string, OrderRecord>();
  readonly deliveries: DeliveryRecord[] = [];
  /** Idempotency key → the order it first came with. */
  private readonly seenKeys = new Map<string, string>();

  constructor(private readonly initialConfig: SimulatorConfig) {
    this.config = { ...initialConfig };
  }

  reset(): void {
    this.config = { ...this.initialConfig };
    this.orders.clear();
    this.deliveries.length = 0;
    this.seenKeys.clear();
  }

  /** Consumes one injected failure when any are left. */
  takeInjectedFailure(): boolean {
    if (this.config.failNextWebhooks <= 0) return false;
    this.config.failNextWebhooks--;
    return true;
  }

  /**
   * Stores a verified delivery. At-least-once: a key seen before is the same delivery again and
   * changes nothing but the original order's duplicate count. A cancellation sticks even if an
   * older snapshot arrives after it.
   */
  receive(body: WmsWebhookBody, receivedAt: string): { record: OrderRecord; duplicate: boolean } {
    const firstOrderId = this.seenKeys.get(body.idempotencyKey);
    const original = firstOrderId === undefined ? undefined : this.orders.get(firstOrderId);
    if (original) {
      original.duplicateCount++;
      return { record: original, duplicate: true };
    }
    this.seenKeys.set(body.idempotencyKey, body.order.id);
    const record: OrderRecord = this.orders.get(body.order.id) ?? {
      order: body.order,
      receivedCount: 0,
      duplicateCount: 0,
      cancelled: false,
      autoShip: { state: 'idle', reason: null },
      events: [],
      posts: [],
    };
    record.order = body.order;
    record.receivedCount++;
    record.cancelled ||= body.event === 'order.cancelled';
    record.events.push({ event: body.event, idempotencyKey: body.idempotencyKey, occurredAt: body.occurredAt, receivedAt });
    this.orders.set(body.order.id, record);
    return { record, duplicate: false };
  }

  requireOrder(orderId: string): OrderRecord {
    const record = this.orders.get(orderId);
    if (!record) throw new SimulatorError(`no order ${orderId} was received`, 404);
    return record;
  }
}
