// Inventory quantities per (inventory item, location): on_hand and committed are stored,
// available = on_hand − committed, as Shopify defines the states. inventorySetQuantities
// semantics of API 2026-07: all-or-nothing, mandatory changeFromQuantity (null opts out),
// CHANGE_FROM_QUANTITY_STALE on a mismatch.
import { levelKey, type EmulatorStore, type InventoryLevel, type ShopState } from './store';
import { idOf } from './ids';

export const QUANTITY_NAMES = [
  'available',
  'on_hand',
  'committed',
  'incoming',
  'reserved',
  'damaged',
  'quality_control',
  'safety_stock',
] as const;

/** Reasons accepted by Shopify for quantity changes (shopify.dev "inventory states"). */
export const INVENTORY_REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_canceled',
  'movement_created',
  'movement_received',
  'movement_updated',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

export const MAX_QUANTITIES_PER_CALL = 250;
const MAX_QUANTITY = 1_000_000_000;

export function quantityOf(level: InventoryLevel, name: string): number {
  switch (name) {
    case 'available':
      return level.onHand - level.committed;
    case 'on_hand':
      return level.onHand;
    case 'committed':
      return level.committed;
    default:
      return 0; // incoming, reserved, damaged, … are not modelled and are always 0
  }
}

export interface SetQuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** undefined = omitted (an error since 2026-04); null = opt out of the check. */
  changeFromQuantity?: number | null;
}

export interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: SetQuantityInput[];
}

export interface InventoryUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export interface InventoryChange {
  name: string;
  delta: number;
  quantityAfterChange: number;
  inventoryItemId: number;
  locationId: number;
}

export interface AdjustmentGroup {
  id: number;
  createdAt: number;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChange[];
}

export type SetQuantitiesResult =
  | { ok: true; group: AdjustmentGroup }
  | { ok: false; userErrors: InventoryUserError[] };

function validate(shop: ShopState, input: SetQuantitiesInput): InventoryUserError[] {
  const errors: InventoryUserError[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({
      field: ['input', 'name'],
      message: "The quantity name must be either 'available' or 'on_hand'.",
      code: 'INVALID_NAME',
    });
  }
  if (!INVENTORY_REASONS.has(input.reason)) {
    errors.push({ field: ['input', 'reason'], message: 'The specified reason is invalid.', code: 'INVALID_REASON' });
  }
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const field = (name: string): string[] => ['input', 'quantities', String(i), name];
    const itemId = idOf(q.inventoryItemId, 'InventoryItem');
    const locationId = idOf(q.locationId, 'Location');
    if (itemId === undefined || !shop.inventoryItems.has(itemId)) {
      errors.push({
        field: field('inventoryItemId'),
        message: 'The specified inventory item could not be found.',
        code: 'INVALID_INVENTORY_ITEM',
      });
      return;
    }
    if (locationId === undefined || !shop.locations.has(locationId)) {
      errors.push({ field: field('locationId'), message: 'The specified location could not be found.', code: 'INVALID_LOCATION' });
      return;
    }
    const key = levelKey(itemId, locationId);
    if (seen.has(key)) {
      errors.push({
        field: field('inventoryItemId'),
        message: 'The combination of inventoryItemId and locationId must be unique.',
        code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
      });
      return;
    }
    seen.add(key);
    const level = shop.levels.get(key);
    if (!level) {
      errors.push({
        field: field('locationId'),
        message: 'The specified inventory item is not stocked at the location.',
        code: 'ITEM_NOT_STOCKED_AT_LOCATION',
      });
      return;
    }
    if (q.quantity > MAX_QUANTITY) {
      errors.push({ field: field('quantity'), message: 'The quantity is too high.', code: 'INVALID_QUANTITY_TOO_HIGH' });
    } else if (input.name === 'on_hand' && q.quantity < 0) {
      errors.push({ field: field('quantity'), message: "The quantity can't be negative.", code: 'INVALID_QUANTITY_NEGATIVE' });
    }
    if (q.changeFromQuantity === undefined) {
      // Since 2026-04 the field must be passed explicitly (null opts out of the check).
      errors.push({
        field: field('changeFromQuantity'),
        message: 'The changeFromQuantity argument must be given to each quantity. Pass null to skip the check.',
        code: 'COMPARE_QUANTITY_REQUIRED',
      });
    } else if (q.changeFromQuantity !== null && (input.name === 'available' || input.name === 'on_hand')) {
      if (quantityOf(level, input.name) !== q.changeFromQuantity) {
        errors.push({
          field: field('changeFromQuantity'),
          message: 'The changeFromQuantity value does not match persisted value.',
          code: 'CHANGE_FROM_QUANTITY_STALE',
        });
      }
    }
  });
  return errors;
}

/** Applies all quantities or none. */
export function setQuantities(store: EmulatorStore, shop: ShopState, input: SetQuantitiesInput): SetQuantitiesResult {
  const userErrors = validate(shop, input);
  if (userErrors.length > 0) return { ok: false, userErrors };

  const at = store.now();
  const changes: InventoryChange[] = [];
  for (const q of input.quantities) {
    const itemId = idOf(q.inventoryItemId, 'InventoryItem') as number;
    const locationId = idOf(q.locationId, 'Location') as number;
    const level = shop.levels.get(levelKey(itemId, locationId)) as InventoryLevel;
    const beforeAvailable = quantityOf(level, 'available');
    const beforeOnHand = level.onHand;
    level.onHand = input.name === 'on_hand' ? q.quantity : q.quantity + level.committed;
    level.updatedAt = store.nowSeconds();
    const item = shop.inventoryItems.get(itemId);
    if (item) item.updatedAt = level.updatedAt;
    const afterAvailable = quantityOf(level, 'available');
    // Shopify reports the named quantity first, then the one that moved with it.
    const entries: [string, number, number][] = [
      ['available', afterAvailable - beforeAvailable, afterAvailable],
      ['on_hand', level.onHand - beforeOnHand, level.onHand],
    ];
    if (input.name === 'on_hand') entries.reverse();
    for (const [name, delta, after] of entries) {
      changes.push({ name, delta, quantityAfterChange: after, inventoryItemId: itemId, locationId });
    }
    store.emit({ shop: shop.domain, topic: 'inventory_levels/update', level: { inventoryItemId: itemId, locationId } });
  }
  return {
    ok: true,
    group: {
      id: store.allocateId(shop),
      createdAt: at,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes,
    },
  };
}

/** Admin API: sets on_hand (and optionally committed) directly, without CAS. */
export function setLevel(
  store: EmulatorStore,
  shop: ShopState,
  inventoryItemId: number,
  locationId: number,
  values: { onHand?: number; available?: number; committed?: number },
): InventoryLevel {
  if (!shop.inventoryItems.has(inventoryItemId)) throw new Error(`unknown inventory item ${inventoryItemId}`);
  if (!shop.locations.has(locationId)) throw new Error(`unknown location ${locationId}`);
  const key = levelKey(inventoryItemId, locationId);
  const at = store.nowSeconds();
  let level = shop.levels.get(key);
  if (!level) {
    level = { inventoryItemId, locationId, onHand: 0, committed: 0, createdAt: at, updatedAt: at };
    shop.levels.set(key, level);
  }
  if (values.committed !== undefined) level.committed = values.committed;
  if (values.onHand !== undefined) level.onHand = values.onHand;
  if (values.available !== undefined) level.onHand = values.available + level.committed;
  level.updatedAt = at;
  store.emit({ shop: shop.domain, topic: 'inventory_levels/update', level: { inventoryItemId, locationId } });
  return level;
}

/** Moves committed stock when orders are placed (+), fulfilled or cancelled (−). */
export function commit(shop: ShopState, inventoryItemId: number, locationId: number, delta: number, at: number): void {
  const item = shop.inventoryItems.get(inventoryItemId);
  if (!item?.tracked) return;
  const level = shop.levels.get(levelKey(inventoryItemId, locationId));
  if (!level) return;
  level.committed = Math.max(0, level.committed + delta);
  level.updatedAt = at;
}

/** Shipping removes units from on_hand and from committed. */
export function ship(shop: ShopState, inventoryItemId: number, locationId: number, quantity: number, at: number): void {
  const item = shop.inventoryItems.get(inventoryItemId);
  if (!item?.tracked) return;
  const level = shop.levels.get(levelKey(inventoryItemId, locationId));
  if (!level) return;
  level.onHand -= quantity;
  level.committed = Math.max(0, level.committed - quantity);
  level.updatedAt = at;
}
