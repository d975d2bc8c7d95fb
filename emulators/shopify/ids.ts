// Shopify global ids (`gid://shopify/Order/123`) and the numeric legacy ids behind them.

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
  /** Query part, e.g. `inventory_item_id=…` on InventoryLevel ids. */
  params: URLSearchParams;
}

export function parseGid(value: unknown): ParsedGid | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/.exec(value);
  if (!m || !m[1] || !m[2]) return undefined;
  return { type: m[1], id: Number(m[2]), params: new URLSearchParams(m[3] ?? '') };
}

/** Numeric id of a gid of the expected type, or undefined. */
export function idOf(value: unknown, type: string): number | undefined {
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : undefined;
}

export function inventoryLevelGid(locationId: number, inventoryItemId: number): string {
  return `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}`;
}

/** Timestamps are kept as epoch milliseconds; the API shows them as ISO-8601 in UTC. */
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
