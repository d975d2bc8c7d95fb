// Deterministic seeds: a demo shop with locations and a catalogue, and a generator of many
// realistic orders whose updatedAt values tie (60 orders per second by default), so page
// boundaries of a keyset-paginated import fall inside ties. Same seed → same data.
import { createLocation, createProduct } from './catalog';
import { cancelOrder, createOrder, type OrderInput } from './orders';
import { pick, randomInt, seededRandom, type Random } from './random';
import type { EmulatorStore, FinancialStatus, Order, ShopState, Variant } from './store';

export const DEMO_SCOPES = [
  'read_products',
  'write_products',
  'read_orders',
  'write_orders',
  'read_all_orders',
  'read_customers',
  'read_inventory',
  'write_inventory',
  'read_locations',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
  'read_assigned_fulfillment_orders',
  'write_assigned_fulfillment_orders',
];

const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia', 'Tim', 'Hedy'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Turing', 'Perlman'];
const CITIES: { city: string; province: string; provinceCode: string; zip: string }[] = [
  { city: 'Austin', province: 'Texas', provinceCode: 'TX', zip: '78701' },
  { city: 'Columbus', province: 'Ohio', provinceCode: 'OH', zip: '43004' },
  { city: 'Reno', province: 'Nevada', provinceCode: 'NV', zip: '89501' },
  { city: 'Portland', province: 'Oregon', provinceCode: 'OR', zip: '97201' },
  { city: 'Savannah', province: 'Georgia', provinceCode: 'GA', zip: '31401' },
];
const PRODUCT_WORDS = ['Canvas', 'Merino', 'Cedar', 'Harbor', 'Alpine', 'Copper', 'Linen', 'Summit', 'Meadow', 'Granite'];
const PRODUCT_KINDS = ['Tote', 'Beanie', 'Mug', 'Notebook', 'Sock Pack', 'Candle', 'Water Bottle', 'Apron'];
const SIZES = ['S', 'M', 'L', 'XL'];

export interface CatalogOptions {
  seed?: number;
  products?: number;
  locations?: string[];
}

/** Locations plus products with 1–4 variants each, SKUs `SKU-0001-M`, EAN-13-like barcodes. */
export function seedCatalog(store: EmulatorStore, shop: ShopState, options: CatalogOptions = {}): void {
  const random = seededRandom(options.seed ?? 42);
  const names = options.locations ?? ['Main Warehouse', 'East Coast 3PL'];
  for (const name of names) {
    createLocation(store, shop, {
      name,
      address: { address1: '1 Dock Road', city: 'Memphis', province: 'Tennessee', provinceCode: 'TN', country: 'United States', countryCode: 'US', zip: '38118' },
    });
  }
  const locationIds = [...shop.locations.keys()];
  const count = options.products ?? 25;
  for (let i = 1; i <= count; i++) {
    const title = `${pick(random, PRODUCT_WORDS)} ${pick(random, PRODUCT_KINDS)} ${i}`;
    const sized = random() < 0.4;
    const sizes = sized ? SIZES.slice(0, randomInt(random, 2, 4)) : ['Default Title'];
    const base = `SKU-${String(i).padStart(4, '0')}`;
    createProduct(store, shop, {
      title,
      vendor: 'Storelink Demo Co',
      productType: title.split(' ')[1] ?? 'Goods',
      tags: random() < 0.3 ? ['featured'] : [],
      descriptionHtml: `<p>${title}, made to last.</p>`,
      images: [{ url: `https://cdn.shopify.example/s/files/${base.toLowerCase()}.jpg`, alt: title }],
      variants: sizes.map((size) => ({
        title: size,
        sku: size === 'Default Title' ? base : `${base}-${size}`,
        barcode: String(4006381000000 + i * 10 + SIZES.indexOf(size) + 1),
        price: (randomInt(random, 500, 9000) / 100).toFixed(2),
        stock: Object.fromEntries(locationIds.map((id, n) => [String(id), n === 0 ? randomInt(random, 20, 400) : randomInt(random, 0, 60)])),
      })),
    });
  }
}

export interface OrderGeneratorOptions {
  count: number;
  seed?: number;
  /** Orders sharing one createdAt/updatedAt second; the default 60 puts page boundaries of 50, 100 and 250 inside ties. */
  perSecond?: number;
  /** Epoch ms of the first order; defaults to just far enough back to end now. */
  start?: number;
  /** Fraction of orders cancelled after creation (their updatedAt stays in sequence). */
  cancelledRate?: number;
}

const FINANCIAL_MIX: FinancialStatus[] = ['PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PENDING', 'AUTHORIZED', 'PARTIALLY_PAID'];

function orderInput(random: Random, variants: Variant[], at: number): OrderInput {
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const place = pick(random, CITIES);
  const email = `${first}.${last}${randomInt(random, 1, 999)}@example.com`.toLowerCase();
  const lines = randomInt(random, 1, 4);
  const chosen = new Set<Variant>();
  while (chosen.size < Math.min(lines, variants.length)) chosen.add(pick(random, variants));
  return {
    email,
    phone: random() < 0.5 ? `+1512555${String(randomInt(random, 0, 9999)).padStart(4, '0')}` : null,
    financialStatus: pick(random, FINANCIAL_MIX),
    tags: random() < 0.1 ? ['vip'] : [],
    customer: { firstName: first, lastName: last, email },
    shippingAddress: {
      firstName: first,
      lastName: last,
      address1: `${randomInt(random, 1, 9999)} Main Street`,
      city: place.city,
      province: place.province,
      provinceCode: place.provinceCode,
      country: 'United States',
      countryCode: 'US',
      zip: place.zip,
    },
    shippingLine: { title: 'Standard', code: 'STANDARD', price: '5.00' },
    lineItems: [...chosen].map((v) => ({ variantId: v.id, quantity: randomInt(random, 1, 3) })),
    createdAt: at,
    updatedAt: at,
  };
}

/** Creates `count` orders, `perSecond` per second (ties), deterministically from `seed`. */
export function generateOrders(store: EmulatorStore, shop: ShopState, options: OrderGeneratorOptions): Order[] {
  const random = seededRandom(options.seed ?? 7);
  const perSecond = Math.max(1, options.perSecond ?? 60);
  const seconds = Math.ceil(options.count / perSecond);
  const start = Math.floor((options.start ?? store.now() - seconds * 1000 - 1000) / 1000) * 1000;
  const variants = [...shop.variants.values()];
  if (variants.length === 0) throw new Error('seed a catalogue before generating orders');
  const created: Order[] = [];
  for (let i = 0; i < options.count; i++) {
    const at = start + Math.floor(i / perSecond) * 1000;
    const order = createOrder(store, shop, orderInput(random, variants, at));
    if (random() < (options.cancelledRate ?? 0.03)) {
      cancelOrder(store, shop, order.id, { reason: 'CUSTOMER' });
      // Historical seed: the cancellation happened at the order's own second.
      order.cancelledAt = at;
      order.closedAt = at;
      order.updatedAt = at;
    }
    created.push(order);
  }
  return created;
}

export interface DemoSeedOptions {
  domain?: string;
  token?: string;
  appSecret?: string;
  scopes?: string[];
  products?: number;
  orders?: number;
  seed?: number;
}

/** The demo shop: `demo.myshopify.com`, token `shpat_demo`, catalogue and orders. */
export function seedDemoShop(store: EmulatorStore, options: DemoSeedOptions = {}): ShopState {
  const shop = store.createShop({
    domain: options.domain ?? 'demo.myshopify.com',
    name: 'Storelink Demo',
    appSecret: options.appSecret ?? 'demo-app-secret',
    tokens: [{ token: options.token ?? 'shpat_demo', scopes: options.scopes ?? DEMO_SCOPES }],
  });
  seedCatalog(store, shop, { seed: options.seed ?? 42, products: options.products ?? 25 });
  if ((options.orders ?? 0) > 0) generateOrders(store, shop, { count: options.orders ?? 0, seed: (options.seed ?? 42) + 1 });
  return shop;
}
