// What the warehouse does with the orders it receives: auto-ship a released order (a `started`
// event after progressDelayMs, then one shipment of every line after shipDelayMs), stop that when
// the order is cancelled or shipped by hand, and ship on demand, partially if asked. Shipment ids
// and tracking numbers are derived from the order, so tests and benches can predict them.
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ShipmentPosted } from '../../src/definitions';
import type { WmsOrder, WmsWebhookEvent } from '../../src/wms/outbound-webhook';
import type { OrderRecord, PostRecord, SimulatorStore } from './store';
import type { StorelinkPoster } from './storelink';

export type ShipmentOverrides = Partial<Pick<ShipmentPosted, 'lines' | 'wmsShipmentId' | 'trackingNumbers'>>;

/** The `sequence`-th shipment (1-based) of an order: by default every line in full, by UPS Ground. */
export function shipmentFor(order: WmsOrder, sequence: number, overrides: ShipmentOverrides, shippedAt: Date): ShipmentPosted {
  const tracking = `1Z${createHash('sha256').update(`${order.id}:${sequence}`).digest('hex').slice(0, 16).toUpperCase()}`;
  const trackingNumbers = overrides.trackingNumbers ?? [tracking];
  const [first] = trackingNumbers;
  return {
    wmsShipmentId: overrides.wmsShipmentId ?? `SHP-${order.orderNumber.replace(/^#/, '')}-${sequence}`,
    carrier: 'UPS',
    service: 'Ground',
    trackingNumbers,
    trackingUrl: first === undefined ? null : `https://www.ups.com/track?tracknum=${encodeURIComponent(first)}`,
    shippedAt: shippedAt.toISOString(),
    lines: overrides.lines ?? order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
  };
}

export class Warehouse {
  /** Pending auto-ships by order id. */
  private readonly autoShips = new Map<string, AbortController>();
  private readonly closing = new AbortController();

  constructor(
    private readonly store: SimulatorStore,
    private readonly storelink: StorelinkPoster,
  ) {}

  /** What a verified, first-seen delivery sets in motion. */
  received(record: OrderRecord, event: WmsWebhookEvent): void {
    if (event === 'order.cancelled') this.stopAutoShip(record, 'order cancelled');
    else if (event === 'order.released' && this.store.config.autoShip && record.autoShip.state === 'idle' && !record.cancelled) this.startAutoShip(record);
  }

  /** Ships now (admin); a pending auto-ship of the order is stopped so nothing ships twice. */
  shipNow(record: OrderRecord, overrides: ShipmentOverrides): Promise<PostRecord> {
    this.stopAutoShip(record, 'shipped through the admin API');
    return this.ship(record, overrides, this.closing.signal);
  }

  /** Forgets every pending auto-ship (admin reset). */
  stopAll(): void {
    for (const controller of this.autoShips.values()) controller.abort();
    this.autoShips.clear();
  }

  close(): void {
    this.closing.abort();
    this.autoShips.clear();
  }

  private ship(record: OrderRecord, overrides: ShipmentOverrides, signal: AbortSignal): Promise<PostRecord> {
    const sequence = record.posts.filter((post) => post.kind === 'shipment').length + 1;
    return this.storelink.post(record, 'shipment', shipmentFor(record.order, sequence, overrides, new Date()), signal);
  }

  private startAutoShip(record: OrderRecord): void {
    const controller = new AbortController();
    this.autoShips.set(record.order.id, controller);
    record.autoShip = { state: 'pending', reason: null };
    void this.autoShip(record, AbortSignal.any([controller.signal, this.closing.signal])).finally(() => {
      if (this.autoShips.get(record.order.id) === controller) this.autoShips.delete(record.order.id);
    });
  }

  private stopAutoShip(record: OrderRecord, reason: string): void {
    const controller = this.autoShips.get(record.order.id);
    if (!controller) return;
    controller.abort();
    this.autoShips.delete(record.order.id);
    record.autoShip = { state: 'stopped', reason };
  }

  /** Once stopped (signal aborted), whoever stopped it has recorded why; this only records its own ends. */
  private async autoShip(record: OrderRecord, signal: AbortSignal): Promise<void> {
    const end = (state: 'done' | 'stopped', reason: string | null): void => {
      if (!signal.aborted) record.autoShip = { state, reason };
    };
    try {
      await delay(this.store.config.progressDelayMs, undefined, { signal });
      const started = await this.storelink.post(record, 'event', { type: 'started' }, signal);
      if (started.outcome !== 'ok') return end('stopped', `started event ${started.outcome}`);
      await delay(this.store.config.shipDelayMs, undefined, { signal });
      const shipment = await this.ship(record, {}, signal);
      end(shipment.outcome === 'ok' ? 'done' : 'stopped', shipment.outcome === 'ok' ? null : `shipment ${shipment.outcome}`);
    } catch (error) {
      if (!signal.aborted) throw error; // only the waits throw, and only when stopped
    }
  }
}
