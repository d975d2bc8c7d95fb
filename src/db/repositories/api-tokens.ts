import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { issueToken, parseToken, secretMatches } from '../../security/api-tokens';
import type { Database } from '../client';
import { apiTokens } from '../schema';

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type TokenCheck =
  | { ok: true; tokenId: string; name: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/** Creates a token and returns it once; only its hash is stored. */
export async function createApiToken(db: Database, name: string): Promise<ApiTokenSummary & { token: string }> {
  const issued = issueToken();
  const [row] = await db.insert(apiTokens).values({ id: issued.id, name, secretHash: issued.secretHash }).returning();
  if (!row) throw new Error('token insert returned no row');
  return { ...summarize(row), token: issued.token };
}

export async function checkApiToken(db: Database, token: string): Promise<TokenCheck> {
  const parsed = parseToken(token);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, parsed.id));
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  // Record use at most once a minute per token, not on every request.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { ok: true, tokenId: row.id, name: row.name };
}

export async function listApiTokens(db: Database): Promise<ApiTokenSummary[]> {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
  return rows.map(summarize);
}

/** Revokes a token; false when no such token exists. Revoking twice keeps the first time. */
export async function revokeApiToken(db: Database, id: string): Promise<boolean> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, id))
    .returning({ id: apiTokens.id });
  return row !== undefined;
}

function summarize(row: typeof apiTokens.$inferSelect): ApiTokenSummary {
  return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
