// Typed calls to the WMS simulator's admin API for tests, the demo and benchmarks, and a wait
// on an order's state with a deadline (poll, never a fixed sleep).
import type { DeliveryRecord, OrderRecord, PostRecord, SimulatorConfig } from './store';
import type { ShipmentOverrides } from './warehouse';

export interface AdminResponse<T> {
  status: number;
  body: T;
}

export interface SimulatorHealth {
  ok: true;
  storelinkUrl: string | null;
  config: SimulatorConfig;
}

const POLL_MS = 25;

export class WmsSimulatorClient {
  constructor(readonly baseUrl: string) {}

  async admin<T>(method: string, path: string, body?: unknown): Promise<AdminResponse<T>> {
    const res = await fetch(`${this.baseUrl}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async health(): Promise<SimulatorHealth> {
    return (await this.ok(this.admin<SimulatorHealth>('GET', '/health'))).body;
  }

  async orders(): Promise<OrderRecord[]> {
    return (await this.ok(this.admin<OrderRecord[]>('GET', '/orders'))).body;
  }

  async deliveries(): Promise<DeliveryRecord[]> {
    return (await this.ok(this.admin<DeliveryRecord[]>('GET', '/deliveries'))).body;
  }

  async setConfig(config: Partial<SimulatorConfig>): Promise<SimulatorConfig> {
    return (await this.ok(this.admin<SimulatorConfig>('PUT', '/config', config))).body;
  }

  /** Ships now; the answer is the post to Storelink with its attempts and Storelink's response. */
  async ship(orderId: string, overrides: ShipmentOverrides = {}): Promise<PostRecord> {
    return (await this.ok(this.admin<PostRecord>('POST', `/orders/${encodeURIComponent(orderId)}/ship`, overrides))).body;
  }

  async reset(): Promise<void> {
    await this.ok(this.admin('POST', '/reset'));
  }

  /** Polls until the order is received and `done` holds; fails naming `what` and the last state. */
  async waitForOrder(orderId: string, done: (order: OrderRecord) => boolean, what: string, timeoutMs = 10_000): Promise<OrderRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = (await this.orders()).find((o) => o.order.id === orderId);
      if (order && done(order)) return order;
      if (Date.now() > deadline) throw new Error(`WMS simulator: order ${orderId} not ${what} within ${timeoutMs} ms; last state: ${JSON.stringify(order ?? null)}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async ok<T>(pending: Promise<AdminResponse<T>>): Promise<AdminResponse<T>> {
    const res = await pending;
    if (res.status >= 400) throw new Error(`WMS simulator admin API answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  }
}
