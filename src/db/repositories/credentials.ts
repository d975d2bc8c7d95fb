import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { SecretBox } from '../../security/secret-box';
import type { Database } from '../client';
import { connectionCredentials } from '../schema';

/**
 * Channel credentials, sealed with the connection id as associated data. Activities load them by
 * connection id; they never travel through Temporal (SPEC §9). Rotated credentials wait in the
 * pending slot until the channel accepts them (C-2): only then do they replace the active ones.
 */

export type CredentialSlot = 'active' | 'pending';

export class CredentialsNotFoundError extends Error {
  constructor(connectionId: string, slot: CredentialSlot) {
    super(`connection ${connectionId} has no ${slot} credentials`);
    this.name = 'CredentialsNotFoundError';
  }
}

export async function saveCredentials(
  db: Database,
  box: SecretBox,
  connectionId: string,
  credentials: Record<string, unknown>,
  expiresAt: Date | null = null,
): Promise<void> {
  const ciphertext = box.seal(JSON.stringify(credentials), connectionId);
  await db
    .insert(connectionCredentials)
    .values({ connectionId, ciphertext, keyId: box.keyId, expiresAt })
    .onConflictDoUpdate({
      target: connectionCredentials.connectionId,
      set: { ciphertext, keyId: box.keyId, expiresAt, rotatedAt: sql`now()` },
    });
}

/** Stores rotated credentials beside the active ones; false when the connection has none yet. */
export async function savePendingCredentials(
  db: Database,
  box: SecretBox,
  connectionId: string,
  credentials: Record<string, unknown>,
  expiresAt: Date | null = null,
): Promise<boolean> {
  const rows = await db
    .update(connectionCredentials)
    .set({ pendingCiphertext: box.seal(JSON.stringify(credentials), connectionId), pendingKeyId: box.keyId, pendingExpiresAt: expiresAt })
    .where(eq(connectionCredentials.connectionId, connectionId))
    .returning({ connectionId: connectionCredentials.connectionId });
  return rows.length > 0;
}

/** The pending credentials become the active ones (after the channel accepted them). Idempotent. */
export async function promotePendingCredentials(db: Database, connectionId: string): Promise<void> {
  await db
    .update(connectionCredentials)
    .set({
      ciphertext: sql`${connectionCredentials.pendingCiphertext}`,
      keyId: sql`${connectionCredentials.pendingKeyId}`,
      expiresAt: sql`${connectionCredentials.pendingExpiresAt}`,
      pendingCiphertext: null,
      pendingKeyId: null,
      pendingExpiresAt: null,
      rotatedAt: sql`now()`,
    })
    .where(and(eq(connectionCredentials.connectionId, connectionId), isNotNull(connectionCredentials.pendingCiphertext)));
}

export async function discardPendingCredentials(db: Database, connectionId: string): Promise<void> {
  await db
    .update(connectionCredentials)
    .set({ pendingCiphertext: null, pendingKeyId: null, pendingExpiresAt: null })
    .where(eq(connectionCredentials.connectionId, connectionId));
}

export async function loadCredentials(db: Database, box: SecretBox, connectionId: string, slot: CredentialSlot = 'active'): Promise<unknown> {
  const [row] = await db.select().from(connectionCredentials).where(eq(connectionCredentials.connectionId, connectionId));
  const sealed = slot === 'active' ? row?.ciphertext : row?.pendingCiphertext;
  if (!sealed) throw new CredentialsNotFoundError(connectionId, slot);
  return JSON.parse(box.open(sealed, connectionId));
}

/** When the active credentials expire, if the channel told us (C-5). */
export async function credentialsExpiryOf(db: Database, connectionId: string): Promise<Date | null> {
  const [row] = await db.select({ expiresAt: connectionCredentials.expiresAt }).from(connectionCredentials).where(eq(connectionCredentials.connectionId, connectionId));
  return row?.expiresAt ?? null;
}
