// Shipments back to the channel (S-3, S-4, S-6), pure: which channel lines a WMS shipment covers,
// and whether the order is then fully shipped. Quantities are never trimmed to what we think is
// open: the channel is the judge of over-fulfilment (S-3), so its own message reaches ops.

export interface ShipmentLineInput {
  sku: string;
  quantity: number;
}

export interface KitComponentInput {
  sku: string;
  /** Units of the component in one kit. */
  quantity: number;
}

export interface OrderLineForShipment {
  orderLineId: string;
  channelLineId: string;
  sku: string;
  /** Units the warehouse has to ship for this line (set at import). */
  quantityToShip: number;
  /** Units already covered by earlier shipments of this order. */
  shippedBefore: number;
  /** S-6: the line's product is a kit the WMS ships as these components. */
  kitComponents?: readonly KitComponentInput[];
}

export interface MappedShipmentLine {
  orderLineId: string;
  channelLineId: string;
  /** The order line's SKU (a kit's own SKU when its components were shipped). */
  sku: string;
  quantity: number;
}

export type ShipmentMapping =
  | { ok: true; lines: MappedShipmentLine[]; allLinesShipped: boolean }
  | { ok: false; message: string };

const remaining = (line: OrderLineForShipment, taken: number) => Math.max(0, line.quantityToShip - line.shippedBefore - taken);

/**
 * Maps the WMS's shipped SKUs onto the order's lines: first lines with the same SKU (spread over
 * duplicate lines by what each still needs, any excess on the first), then kit lines from their
 * shipped components (S-6). Units that fit no line are an error naming them.
 */
export function mapShipmentLines(orderLines: readonly OrderLineForShipment[], shipped: readonly ShipmentLineInput[]): ShipmentMapping {
  const left = new Map<string, number>();
  for (const line of shipped) left.set(line.sku, (left.get(line.sku) ?? 0) + line.quantity);
  const taken = new Map<string, number>();
  const take = (line: OrderLineForShipment, quantity: number) => taken.set(line.orderLineId, (taken.get(line.orderLineId) ?? 0) + quantity);

  for (const [sku, quantity] of left) {
    const direct = orderLines.filter((line) => line.sku === sku && !line.kitComponents?.length);
    if (direct.length === 0) continue;
    let units = quantity;
    for (const line of direct) {
      const fit = Math.min(units, remaining(line, taken.get(line.orderLineId) ?? 0));
      if (fit > 0) take(line, fit);
      units -= fit;
    }
    if (units > 0) take(direct[0]!, units);
    left.set(sku, 0);
  }

  for (const line of orderLines) {
    const components = line.kitComponents;
    if (!components?.length) continue;
    const kits = Math.min(remaining(line, taken.get(line.orderLineId) ?? 0), ...components.map((c) => Math.floor((left.get(c.sku) ?? 0) / c.quantity)));
    if (kits <= 0) continue;
    take(line, kits);
    for (const c of components) left.set(c.sku, (left.get(c.sku) ?? 0) - kits * c.quantity);
  }

  const unmatched = [...left].filter(([, quantity]) => quantity > 0);
  if (unmatched.length > 0) {
    return { ok: false, message: `the shipment has units that match no line of the order: ${unmatched.map(([sku, q]) => `${q} × ${sku}`).join(', ')}` };
  }
  const lines = orderLines
    .filter((line) => (taken.get(line.orderLineId) ?? 0) > 0)
    .map((line) => ({ orderLineId: line.orderLineId, channelLineId: line.channelLineId, sku: line.sku, quantity: taken.get(line.orderLineId)! }));
  if (lines.length === 0) return { ok: false, message: 'the shipment has no lines' };
  const allLinesShipped = orderLines.every((line) => remaining(line, taken.get(line.orderLineId) ?? 0) === 0);
  return { ok: true, lines, allLinesShipped };
}
