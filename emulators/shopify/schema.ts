// Loads the official Shopify Admin 2026-07 introspection schema (fetched by
// scripts/shopify-schema.mjs) and builds it once per process. The same file carries
// Shopify's access-scope table (`offline_scopes`), which we use to answer ACCESS_DENIED
// like Shopify does instead of inventing our own scope rules.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

export const API_VERSION = '2026-07';

/** Scope requirement for a type or a field, as published by Shopify. */
export interface AccessRule {
  /** Any one of these scopes grants access (write_x implies read_x). */
  scopes: string[];
  /** Shopify's own wording, used verbatim in ACCESS_DENIED errors. */
  requiredAccess: string;
}

export interface ShopifySchema {
  schema: GraphQLSchema;
  /** Keyed by type name. */
  typeAccess: Map<string, AccessRule>;
  /** Keyed by `Type.field`. */
  fieldAccess: Map<string, AccessRule>;
  path: string;
}

interface OfflineScopeItem {
  type: 'type' | 'field';
  typeName: string;
  fieldName?: string;
  requiredAccess?: string;
  offlineScopes?: string[];
}

interface SchemaFile {
  data?: IntrospectionQuery;
  __schema?: IntrospectionQuery['__schema'];
  offline_scopes?: { items?: OfflineScopeItem[] };
}

const cache = new Map<string, ShopifySchema>();

/** Walks up from this module to the project root (the folder holding package.json). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'emulators'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Resolves the schema path: explicit option, then SHOPIFY_SCHEMA_PATH, then .cache/shopify. */
export function resolveSchemaPath(explicit?: string): string {
  if (explicit) return explicit;
  const fromEnv = process.env['SHOPIFY_SCHEMA_PATH'];
  if (fromEnv) return fromEnv;
  const base = join(findProjectRoot(), '.cache', 'shopify', `admin_${API_VERSION}.json`);
  if (existsSync(`${base}.gz`)) return `${base}.gz`;
  if (existsSync(base)) return base;
  throw new Error(
    `Shopify schema not found at ${base}[.gz]; run \`node scripts/shopify-schema.mjs\` first ` +
      'or set SHOPIFY_SCHEMA_PATH',
  );
}

/** Loads and builds the schema; cached per path so tests and servers share one copy. */
export function loadShopifySchema(explicitPath?: string): ShopifySchema {
  const path = resolveSchemaPath(explicitPath);
  const cached = cache.get(path);
  if (cached) return cached;

  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const file = JSON.parse(text) as SchemaFile;
  const introspection: IntrospectionQuery | undefined =
    file.data ?? (file.__schema ? { __schema: file.__schema } : undefined);
  if (!introspection) throw new Error(`${path} is not an introspection result`);

  const schema = buildClientSchema(introspection, { assumeValid: true });
  const typeAccess = new Map<string, AccessRule>();
  const fieldAccess = new Map<string, AccessRule>();
  for (const item of file.offline_scopes?.items ?? []) {
    const scopes = item.offlineScopes ?? [];
    if (scopes.length === 0) continue;
    const rule = { scopes, requiredAccess: item.requiredAccess ?? scopes.join(', ') };
    if (item.type === 'type') typeAccess.set(item.typeName, rule);
    else if (item.fieldName) fieldAccess.set(`${item.typeName}.${item.fieldName}`, rule);
  }

  const loaded: ShopifySchema = { schema, typeAccess, fieldAccess, path };
  cache.set(path, loaded);
  return loaded;
}

/** True when the granted scopes satisfy a rule; Shopify treats write_x as including read_x. */
export function scopesSatisfy(granted: ReadonlySet<string>, rule: AccessRule): boolean {
  return rule.scopes.some((scope) => {
    if (granted.has(scope)) return true;
    return scope.startsWith('read_') && granted.has(`write_${scope.slice('read_'.length)}`);
  });
}
