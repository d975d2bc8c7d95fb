import { and, eq, inArray, sql } from 'drizzle-orm';
import { kitProblems, type KitComponentInput, type ProductFields } from '../../domain/products';
import type { Database } from '../client';
import { kitComponents, products } from '../schema';

/** The WMS product master, unique by (client, SKU) (P-1), and kit definitions (P-7). */

export type ProductRow = typeof products.$inferSelect;

export async function findProductsBySku(db: Database, clientCode: string, skus: readonly string[]): Promise<Map<string, ProductRow>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .select()
    .from(products)
    .where(and(eq(products.clientCode, clientCode), inArray(products.sku, [...new Set(skus)])));
  return new Map(rows.map((r) => [r.sku, r]));
}

/**
 * Creates the products that do not exist yet; a concurrent creator of the same SKU wins quietly
 * (the unique key decides). Returns every requested SKU's row and which of them this call created.
 */
export async function createMissingProducts(
  db: Database,
  clientCode: string,
  wanted: readonly { sku: string; fields: ProductFields }[],
): Promise<{ bySku: Map<string, ProductRow>; created: Set<string> }> {
  const created = new Set<string>();
  if (wanted.length > 0) {
    const rows = await db
      .insert(products)
      .values(wanted.map((w) => ({ clientCode, sku: w.sku, ...w.fields })))
      .onConflictDoNothing({ target: [products.clientCode, products.sku] })
      .returning({ sku: products.sku });
    for (const r of rows) created.add(r.sku);
  }
  return { bySku: await findProductsBySku(db, clientCode, wanted.map((w) => w.sku)), created };
}

export async function updateProductFields(db: Database, productId: string, patch: Partial<ProductFields>): Promise<void> {
  await db
    .update(products)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(products.id, productId));
}

export class KitDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid kit: ${problems.join('; ')}`);
    this.name = 'KitDefinitionError';
  }
}

/**
 * P-7: replaces a product's kit components. An empty list makes it an ordinary product again.
 * Components are SKUs of the kit's own client and must exist; quantities are above 0; a kit
 * never contains itself. Throws KitDefinitionError naming every problem.
 */
export async function setKitComponents(db: Database, productId: string, components: readonly KitComponentInput[]): Promise<void> {
  await db.transaction(async (tx) => {
    const [kit] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
    if (!kit) throw new KitDefinitionError([`product ${productId} does not exist`]);
    const problems = kitProblems(kit.sku, components);
    const skus = components.map((c) => c.sku.trim());
    const found = await findProductsBySku(tx, kit.clientCode, skus.filter(Boolean));
    const missing = [...new Set(skus.filter((sku) => sku && !found.has(sku)))];
    if (missing.length > 0) problems.push(`component SKU${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist for client ${kit.clientCode}`);
    if (problems.length > 0) throw new KitDefinitionError(problems);

    await tx.delete(kitComponents).where(eq(kitComponents.kitProductId, productId));
    if (components.length > 0) {
      await tx.insert(kitComponents).values(
        components.map((c) => ({ kitProductId: productId, componentProductId: found.get(c.sku.trim())!.id, quantity: c.quantity })),
      );
    }
    await tx
      .update(products)
      .set({ isKit: components.length > 0, updatedAt: sql`now()` })
      .where(eq(products.id, productId));
  });
}

export async function kitComponentsOf(db: Database, productId: string): Promise<{ sku: string; quantity: number }[]> {
  return db
    .select({ sku: products.sku, quantity: kitComponents.quantity })
    .from(kitComponents)
    .innerJoin(products, eq(products.id, kitComponents.componentProductId))
    .where(eq(kitComponents.kitProductId, productId))
    .orderBy(products.sku);
}

export interface ProductPageQuery {
  clientCode?: string;
  /** SKUs starting with this */
  skuPrefix?: string;
  limit: number;
  /** keyset: the last (clientCode, sku) of the previous page */
  after?: { clientCode: string; sku: string };
}

/** Products in (client, SKU) order, one page at a time. */
export async function listProducts(db: Database, query: ProductPageQuery): Promise<ProductRow[]> {
  const conditions = [
    query.clientCode ? eq(products.clientCode, query.clientCode) : undefined,
    query.skuPrefix ? sql`${products.sku} like ${`${query.skuPrefix.replace(/[\\%_]/g, '\\$&')}%`}` : undefined,
    query.after ? sql`(${products.clientCode}, ${products.sku}) > (${query.after.clientCode}, ${query.after.sku})` : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select()
    .from(products)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(products.clientCode, products.sku)
    .limit(query.limit);
}

export async function findProduct(db: Database, productId: string): Promise<ProductRow | undefined> {
  const [row] = await db.select().from(products).where(eq(products.id, productId));
  return row;
}
