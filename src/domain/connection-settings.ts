import { z } from 'zod';
import { type Capability, type ChannelName, supports } from './capabilities';

/**
 * The per-connection settings table of SPEC §3 as one schema with defaults (C-6). Defaults depend
 * on the channel (a channel without products or tags gets those features off), and every value
 * is checked against what the channel can do, naming the field when it cannot.
 */

export const TAG_RULE_ACTIONS = ['hold', 'do_not_download'] as const;
/** Financial statuses an operator may choose to import; pending/authorized are held (OD-4). */
export const IMPORTABLE_FINANCIAL_STATUSES = ['paid', 'partially_paid', 'partially_refunded', 'pending', 'authorized'] as const;
/** Shopify `scheduled`/`on_hold` are never imported until they become unfulfilled (§3). */
export const IMPORTABLE_FULFILLMENT_STATUSES = ['unfulfilled', 'partially_fulfilled'] as const;

const minutes = (fallback: number, max: number) => z.number().int().min(1, 'at least 1 minute').max(max).default(fallback);

export const connectionSettingsSchema = z
  .object({
    downloadProducts: z.boolean().optional(),
    downloadOrders: z.boolean().default(true),
    missingProductPolicy: z.enum(['create', 'partial', 'hold']).default('create'),
    orderFilters: z
      .object({
        financialStatuses: z.array(z.enum(IMPORTABLE_FINANCIAL_STATUSES)).min(1, 'choose at least one financial status').default(['paid']),
        fulfillmentStatuses: z
          .array(z.enum(IMPORTABLE_FULFILLMENT_STATUSES, { error: 'only unfulfilled and partially_fulfilled orders are imported' }))
          .min(1, 'choose at least one fulfillment status')
          .default(['unfulfilled', 'partially_fulfilled']),
        locationIds: z.union([z.literal('all'), z.array(z.string().min(1)).min(1, 'list at least one location or use "all"')]).default('all'),
        lookbackDays: z.number().int().min(1).max(365).default(14),
        /** OD-1: every incremental run re-reads this many minutes before its cursor. */
        overlapMinutes: z.number().int().min(1).max(24 * 60).default(10),
      })
      .strict()
      .prefault({}),
    tagRules: z
      .array(z.object({ tag: z.string().trim().min(1, 'must not be empty'), action: z.enum(TAG_RULE_ACTIONS) }).strict())
      .default([]),
    tagAfterImport: z.string().trim().min(1).nullable().optional(),
    errorTag: z.string().trim().min(1).nullable().optional(),
    /** OD-4: an order waiting for payment this long raises a warning (it stays held); fractions allowed (0.5 = 30 min). */
    maxPendingPaymentHours: z.number().positive('must be more than 0 hours').max(90 * 24).default(72),
    sendShipmentInfo: z.boolean().default(true),
    notifyCustomer: z.boolean().default(false),
    syncInventory: z.boolean().default(false),
    inventorySyncMethod: z.enum(['available', 'on_hand']).default('available'),
    inventoryBuffer: z.number().int().min(0).default(0),
    inventoryMinimum: z.number().int().min(0).default(0),
    /** WMS warehouse code → channel location id */
    locationMap: z.record(z.string().min(1), z.string().min(1)).default({}),
    schedules: z
      .object({
        ordersEveryMinutes: minutes(5, 24 * 60),
        productsEveryMinutes: minutes(24 * 60, 7 * 24 * 60),
        inventoryReconcileEveryMinutes: minutes(60, 24 * 60),
        orderReconciliationEveryMinutes: minutes(24 * 60, 7 * 24 * 60),
      })
      .strict()
      .prefault({}),
    piiRetentionDays: z.number().int().min(1).max(3650).default(60),
  })
  .strict();

export type ConnectionSettingsInput = z.input<typeof connectionSettingsSchema>;
export type ConnectionSettings = Omit<z.output<typeof connectionSettingsSchema>, 'downloadProducts' | 'tagAfterImport' | 'errorTag'> & {
  downloadProducts: boolean;
  tagAfterImport: string | null;
  errorTag: string | null;
};

export interface SettingsProblem {
  field: string;
  message: string;
}

export type SettingsResult = { ok: true; settings: ConnectionSettings } | { ok: false; problems: SettingsProblem[] };

export interface SettingsContext {
  channel: ChannelName;
  /** inventory sync can be turned on only once setup is completed (C-6) */
  setupCompleted: boolean;
}

/** Parses settings (filling channel-aware defaults) and checks them against the channel. */
export function parseConnectionSettings(input: unknown, context: SettingsContext): SettingsResult {
  const parsed = connectionSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(settings)', message: issue.message })),
    };
  }
  const { channel } = context;
  const canTag = supports(channel, 'tagOrders');
  const settings: ConnectionSettings = {
    ...parsed.data,
    downloadProducts: parsed.data.downloadProducts ?? supports(channel, 'downloadProducts'),
    tagAfterImport: parsed.data.tagAfterImport === undefined ? (canTag ? 'wms-synced' : null) : parsed.data.tagAfterImport,
    errorTag: parsed.data.errorTag === undefined ? (canTag ? 'wms-error' : null) : parsed.data.errorTag,
  };
  const problems = capabilityProblems(settings, context);
  return problems.length === 0 ? { ok: true, settings } : { ok: false, problems };
}

function capabilityProblems(settings: ConnectionSettings, { channel, setupCompleted }: SettingsContext): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const needs = (field: string, capability: Capability, what: string) => {
    if (!supports(channel, capability)) problems.push({ field, message: `${channel} does not support ${what}` });
  };
  if (settings.downloadProducts) needs('downloadProducts', 'downloadProducts', 'product download');
  if (settings.downloadOrders) needs('downloadOrders', 'downloadOrders', 'order download');
  if (settings.sendShipmentInfo) needs('sendShipmentInfo', 'sendShipment', 'sending shipment info');
  if (settings.tagAfterImport) needs('tagAfterImport', 'tagOrders', 'tagging orders');
  if (settings.errorTag) needs('errorTag', 'tagOrders', 'tagging orders');
  if (settings.syncInventory) {
    if (!supports(channel, 'inventorySync')) {
      problems.push({
        field: 'syncInventory',
        message:
          channel === 'shipstation'
            ? 'ShipStation holds no stock for us: inventory sync is not supported for ShipStation connections'
            : `${channel} does not support inventory sync`,
      });
    } else {
      if (!setupCompleted) problems.push({ field: 'syncInventory', message: 'inventory sync can be enabled only after setup is completed' });
      if (Object.keys(settings.locationMap).length === 0) {
        problems.push({ field: 'locationMap', message: 'map at least one WMS warehouse to a channel location before enabling inventory sync' });
      }
    }
  }
  const duplicateTags = settings.tagRules.map((r) => r.tag.toLowerCase()).filter((tag, i, all) => all.indexOf(tag) !== i);
  if (duplicateTags.length > 0) problems.push({ field: 'tagRules', message: `tag "${duplicateTags[0]}" has more than one rule` });
  return problems;
}

/** The capabilities whose access the credentials must grant for these settings (C-2 scope check). */
export function capabilitiesNeededBy(settings: ConnectionSettings): Capability[] {
  const needed: Capability[] = ['connect'];
  if (settings.downloadProducts) needed.push('downloadProducts');
  if (settings.downloadOrders) needed.push('downloadOrders');
  if (settings.sendShipmentInfo) needed.push('sendShipment');
  if (settings.tagAfterImport || settings.errorTag) needed.push('tagOrders');
  if (settings.syncInventory) needed.push('inventorySync');
  return needed;
}

/** I-3: settings every pushed quantity is computed from; changing one recomputes the whole store. */
export function inventoryInputsChanged(before: ConnectionSettings, after: ConnectionSettings): boolean {
  return (
    before.inventorySyncMethod !== after.inventorySyncMethod ||
    before.inventoryBuffer !== after.inventoryBuffer ||
    before.inventoryMinimum !== after.inventoryMinimum ||
    JSON.stringify(Object.entries(before.locationMap).sort()) !== JSON.stringify(Object.entries(after.locationMap).sort())
  );
}
