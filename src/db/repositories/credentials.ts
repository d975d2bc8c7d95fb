import { eq, sql } from 'drizzle-orm';
import type { SecretBox } from '../../security/secret-box';
import type { Database } from '../client';
import { connectionCredentials } from '../schema';

/**
 * Channel credentials, sealed with the connection id as associated data. Activities load them by
 * connection id; they never travel through Temporal (SPEC §9).
 */

export class CredentialsNotFoundError extends Error {
  constructor(connectionId: string) {
    super(`connection ${connectionId} has no stored credentials`);
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

export async function loadCredentials(db: Database, box: SecretBox, connectionId: string): Promise<unknown> {
  const [row] = await db.select().from(connectionCredentials).where(eq(connectionCredentials.connectionId, connectionId));
  if (!row) throw new CredentialsNotFoundError(connectionId);
  return JSON.parse(box.open(row.ciphertext, connectionId));
}
