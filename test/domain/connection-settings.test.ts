import { capabilitiesNeededBy, parseConnectionSettings, type SettingsResult } from '../../src/domain/connection-settings';

const shopify = { channel: 'shopify' as const, setupCompleted: true };

function problems(result: SettingsResult): string[] {
  return result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('C-6 connection settings', () => {
  it('fills the defaults of the SPEC §3 table', () => {
    const result = parseConnectionSettings({}, shopify);
    expect(result.ok && result.settings).toMatchObject({
      downloadProducts: true,
      downloadOrders: true,
      missingProductPolicy: 'create',
      orderFilters: { financialStatuses: ['paid'], fulfillmentStatuses: ['unfulfilled', 'partially_fulfilled'], locationIds: 'all', lookbackDays: 14 },
      tagRules: [],
      tagAfterImport: 'wms-synced',
      errorTag: 'wms-error',
      sendShipmentInfo: true,
      notifyCustomer: false,
      syncInventory: false,
      inventorySyncMethod: 'available',
      inventoryBuffer: 0,
      inventoryMinimum: 0,
      schedules: { ordersEveryMinutes: 5, productsEveryMinutes: 1440, inventoryReconcileEveryMinutes: 60, orderReconciliationEveryMinutes: 1440 },
      piiRetentionDays: 60,
    });
  });

  it('defaults follow the channel: ShipStation downloads no products and Amazon adds no tags', () => {
    const shipstation = parseConnectionSettings({}, { channel: 'shipstation', setupCompleted: false });
    expect(shipstation.ok && shipstation.settings.downloadProducts).toBe(false);
    const amazon = parseConnectionSettings({}, { channel: 'amazon', setupCompleted: false });
    expect(amazon.ok && [amazon.settings.tagAfterImport, amazon.settings.errorTag]).toEqual([null, null]);
  });

  it('refuses inventory sync on ShipStation with the reason, never silently', () => {
    const result = parseConnectionSettings({ syncInventory: true, locationMap: { WH1: 'x' } }, { channel: 'shipstation', setupCompleted: true });
    expect(problems(result)).toEqual(['syncInventory: ShipStation holds no stock for us: inventory sync is not supported for ShipStation connections']);
  });

  it('inventory sync only after setup is completed, and only with a location map', () => {
    expect(problems(parseConnectionSettings({ syncInventory: true, locationMap: { WH1: 'gid://shopify/Location/1' } }, { ...shopify, setupCompleted: false }))).toEqual([
      'syncInventory: inventory sync can be enabled only after setup is completed',
    ]);
    expect(problems(parseConnectionSettings({ syncInventory: true }, shopify))).toEqual([
      'locationMap: map at least one WMS warehouse to a channel location before enabling inventory sync',
    ]);
    expect(parseConnectionSettings({ syncInventory: true, locationMap: { WH1: 'gid://shopify/Location/1' } }, shopify).ok).toBe(true);
  });

  it('partial and create are one choice, never both', () => {
    expect(problems(parseConnectionSettings({ missingProductPolicy: ['create', 'partial'] }, shopify))[0]).toMatch(/^missingProductPolicy: /);
    expect(parseConnectionSettings({ missingProductPolicy: 'partial' }, shopify).ok).toBe(true);
  });

  it('Shopify scheduled/on_hold orders cannot be chosen for import', () => {
    expect(problems(parseConnectionSettings({ orderFilters: { fulfillmentStatuses: ['on_hold'] } }, shopify))[0]).toMatch(
      /^orderFilters\.fulfillmentStatuses\.0: only unfulfilled and partially_fulfilled orders are imported/,
    );
  });

  it('names the field of every problem, nested ones included', () => {
    const result = parseConnectionSettings({ inventoryBuffer: -1, schedules: { ordersEveryMinutes: 0 }, tagRules: [{ tag: '', action: 'hold' }], bogus: 1 }, shopify);
    expect(problems(result).map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['inventoryBuffer', 'schedules.ordersEveryMinutes', 'tagRules.0.tag', '(settings)']));
  });

  it('refuses two rules for one tag', () => {
    const result = parseConnectionSettings({ tagRules: [{ tag: 'Fraud', action: 'hold' }, { tag: 'fraud', action: 'do_not_download' }] }, shopify);
    expect(problems(result)).toEqual(['tagRules: tag "fraud" has more than one rule']);
  });

  it('C-2 the scopes to check follow the enabled features', () => {
    const result = parseConnectionSettings({ syncInventory: true, locationMap: { WH1: 'x' }, tagAfterImport: null, errorTag: null }, shopify);
    expect(result.ok && capabilitiesNeededBy(result.settings)).toEqual(['connect', 'downloadProducts', 'downloadOrders', 'sendShipment', 'inventorySync']);
  });
});
