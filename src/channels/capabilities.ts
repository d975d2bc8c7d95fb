// What each channel supports (SPEC §2). Settings that need a capability the channel lacks are
// rejected at configuration time (C-6), so this table is the single source for that check.

export const CHANNELS = ['shopify', 'amazon', 'shipstation', 'salesforce'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const CAPABILITIES = [
  'connect',
  'downloadProducts',
  'downloadOrders',
  'pendingPaymentHold',
  'orderUpdates',
  'sendShipment',
  'inventorySync',
  'tagOrders',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const CHANNEL_CAPABILITIES: Readonly<Record<ChannelName, ReadonlySet<Capability>>> = {
  shopify: new Set(CAPABILITIES),
  amazon: new Set<Capability>(['connect', 'downloadProducts', 'downloadOrders', 'pendingPaymentHold', 'orderUpdates', 'sendShipment', 'inventorySync']),
  // ShipStation holds no stock for us and has no products API we need (SKUs come with orders).
  shipstation: new Set<Capability>(['connect', 'downloadOrders', 'pendingPaymentHold', 'orderUpdates', 'sendShipment', 'tagOrders']),
  salesforce: new Set<Capability>(['connect', 'downloadProducts', 'downloadOrders', 'pendingPaymentHold', 'orderUpdates', 'sendShipment', 'inventorySync']),
};

export function supports(channel: ChannelName, capability: Capability): boolean {
  return CHANNEL_CAPABILITIES[channel].has(capability);
}

/** Capabilities among `wanted` that the channel does not have, for a clear C-6 message. */
export function unsupportedCapabilities(channel: ChannelName, wanted: Iterable<Capability>): Capability[] {
  return [...new Set(wanted)].filter((c) => !supports(channel, c));
}
