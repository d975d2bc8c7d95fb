// What each listing of a store should show at each of its locations (SPEC §7 I-1, I-2, I-5):
// the inventory rules of ./inventory applied to one listing with the stored facts around it.
// Pure: the push, the reconcile and the explain endpoint load the same facts and get the same answer.
import type { ChannelName } from './capabilities';
import type { ConnectionSettings } from './connection-settings';
import {
  type EpochMs,
  inFlightByProduct,
  type InventoryPolicy,
  inventorySkip,
  type InventorySkip,
  type InventorySyncMethod,
  type KitComponentStock,
  type ListingStock,
  type OpenOrderLine,
  quantityToPush,
  type StockDecision,
  type WarehouseStock,
  warehousesForLocation,
} from './inventory';

export interface InventoryFacts {
  products: ReadonlyMap<string, { id: string; sku: string; isKit: boolean }>;
  /** kit product id → its components */
  components: ReadonlyMap<string, readonly { productId: string; quantity: number }[]>;
  /** product id → its WMS levels */
  levels: ReadonlyMap<string, readonly FactLevel[]>;
  /** product id → open order lines that reserve it: its own and those of kits containing it (kit lines carry their components) */
  openLines: ReadonlyMap<string, readonly OpenOrderLine[]>;
}

export interface FactLevel {
  productId: string;
  warehouseCode: string;
  onHand: number;
  allocated: number;
  asOf: EpochMs;
}

export interface InventorySyncSettings extends InventoryPolicy {
  channel: ChannelName;
  method: InventorySyncMethod;
  locationMap: Readonly<Record<string, string>>;
}

/** The settings of a connection that inventory quantities are computed from. */
export function inventorySyncSettings(channel: ChannelName, settings: Pick<ConnectionSettings, 'inventorySyncMethod' | 'inventoryBuffer' | 'inventoryMinimum' | 'locationMap'>): InventorySyncSettings {
  return { channel, method: settings.inventorySyncMethod, buffer: settings.inventoryBuffer, minimum: settings.inventoryMinimum, locationMap: settings.locationMap };
}

export interface TargetListing {
  neverSync: boolean;
  productId: string | null;
  inventoryTracked: boolean;
  channelInventoryItemId: string | null;
}

export type LocationTarget =
  | { channelLocationId: string; skip: InventorySkip; decision?: undefined }
  | { channelLocationId: string; skip?: undefined; decision: StockDecision };

/** The channel locations inventory goes to: every location a WMS warehouse is mapped to. */
export function syncedLocations(locationMap: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.values(locationMap))].sort();
}

/** Product ids whose facts a listing needs: its product and, for a kit, the components. */
export function productsNeeded(productId: string, components: InventoryFacts['components']): string[] {
  return [productId, ...(components.get(productId) ?? []).map((c) => c.productId)];
}

export function listingTargets(listing: TargetListing, settings: InventorySyncSettings, facts: InventoryFacts): LocationTarget[] {
  const locations = syncedLocations(settings.locationMap);
  // A store with no mapped location still gets one answer, so the skip is explainable.
  return (locations.length > 0 ? locations : ['(none)']).map((channelLocationId) => locationTarget(listing, channelLocationId, settings, facts));
}

function locationTarget(listing: TargetListing, channelLocationId: string, settings: InventorySyncSettings, facts: InventoryFacts): LocationTarget {
  const product = listing.productId ? facts.products.get(listing.productId) : undefined;
  const kit = product?.isKit ? (facts.components.get(product.id) ?? []) : null;
  const skip = inventorySkip({
    channel: settings.channel,
    listing,
    channelLocationId,
    locationMap: settings.locationMap,
    kitComponents: kit?.map((c) => ({ productId: c.productId, sku: facts.products.get(c.productId)?.sku ?? c.productId })) ?? null,
    levels: productsNeeded(product?.id ?? '', facts.components).flatMap((id) => facts.levels.get(id) ?? []),
  });
  if (skip) return { channelLocationId, skip };
  const warehouses = warehousesForLocation(settings.locationMap, channelLocationId);
  const stock: ListingStock = kit
    ? { kind: 'kit', components: kit.map((c): KitComponentStock => ({ productId: c.productId, sku: facts.products.get(c.productId)?.sku ?? c.productId, quantity: c.quantity, warehouses: warehouseStock(c.productId, warehouses, facts) })) }
    : { kind: 'product', warehouses: warehouseStock(listing.productId!, warehouses, facts) };
  return { channelLocationId, decision: quantityToPush(settings.method, stock, settings) };
}

/**
 * Each warehouse's level with the units in flight against it. Orders are not assigned to a
 * warehouse before the WMS has them, so an open order reserves at every mapped warehouse: with
 * several warehouses per location this undersells rather than oversells.
 */
function warehouseStock(productId: string, warehouses: readonly string[], facts: InventoryFacts): WarehouseStock[] {
  const lines = facts.openLines.get(productId) ?? [];
  return (facts.levels.get(productId) ?? [])
    .filter((l) => warehouses.includes(l.warehouseCode))
    .map((l) => ({
      warehouseCode: l.warehouseCode,
      onHand: l.onHand,
      allocated: l.allocated,
      inFlight: inFlightByProduct(lines, l.asOf)[productId] ?? 0,
    }));
}
