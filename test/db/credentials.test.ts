import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { CredentialsNotFoundError, loadCredentials, saveCredentials } from '../../src/db/repositories/credentials';
import { connectionCredentials, connections } from '../../src/db/schema';
import { createSecretBox, DecryptionError } from '../../src/security/secret-box';
import { createTestDatabase } from '../helpers/db';

const box = createSecretBox(crypto.randomBytes(32));
const credentials = { accessToken: 'shpat_fake_1234567890', appSecret: 'fake-webhook-secret' };
let handle: DatabaseHandle;
let connectionId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const [row] = await handle.db.insert(connections).values({ channel: 'shopify', clientCode: 'ACME', warehouseCode: 'WH1' }).returning();
  connectionId = row!.id;
});
afterAll(() => handle.close());

async function storedRow() {
  const [row] = await handle.db.select().from(connectionCredentials).where(eq(connectionCredentials.connectionId, connectionId));
  return row!;
}

describe('R-6 channel credentials at rest', () => {
  it('stores only ciphertext and loads the credentials back by connection id', async () => {
    await saveCredentials(handle.db, box, connectionId, credentials);
    const row = await storedRow();
    expect(row.ciphertext).not.toContain('shpat_fake');
    expect(row.keyId).toBe(box.keyId);
    await expect(loadCredentials(handle.db, box, connectionId)).resolves.toEqual(credentials);
  });

  it('rotation replaces the sealed value and records when', async () => {
    await saveCredentials(handle.db, box, connectionId, { ...credentials, accessToken: 'shpat_fake_rotated' });
    const row = await storedRow();
    expect(row.rotatedAt).toBeInstanceOf(Date);
    await expect(loadCredentials(handle.db, box, connectionId)).resolves.toMatchObject({ accessToken: 'shpat_fake_rotated' });
  });

  it('a tampered row gives a clear error', async () => {
    const row = await storedRow();
    const parts = row.ciphertext.split('.');
    parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
    await handle.db.update(connectionCredentials).set({ ciphertext: parts.join('.') }).where(eq(connectionCredentials.connectionId, connectionId));
    await expect(loadCredentials(handle.db, box, connectionId)).rejects.toThrow(DecryptionError);
  });

  it('the wrong key gives a clear error naming both keys', async () => {
    await saveCredentials(handle.db, box, connectionId, credentials);
    const otherBox = createSecretBox(crypto.randomBytes(32));
    await expect(loadCredentials(handle.db, otherBox, connectionId)).rejects.toThrow(/sealed with key .* but STORELINK_ENCRYPTION_KEY is key/);
  });

  it('a connection without credentials is named', async () => {
    await expect(loadCredentials(handle.db, box, crypto.randomUUID())).rejects.toThrow(CredentialsNotFoundError);
  });
});
