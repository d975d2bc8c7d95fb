import crypto from 'node:crypto';
import { createSecretBox, DecryptionError } from '../../src/security/secret-box';

const box = createSecretBox(crypto.randomBytes(32));
const CONNECTION = '6f1c2d9e-0000-4000-8000-000000000001';
const SECRET = JSON.stringify({ accessToken: 'shpat_fake_0000', appSecret: 'fake-app-secret' });

function flipOneCharacter(envelope: string, part: number): string {
  const parts = envelope.split('.');
  const target = parts[part]!;
  parts[part] = (target[0] === 'A' ? 'B' : 'A') + target.slice(1);
  return parts.join('.');
}

describe('R-6 credentials sealed with AES-256-GCM', () => {
  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal(SECRET, CONNECTION);
    expect(sealed).not.toContain('shpat_fake_0000');
    expect(box.open(sealed, CONNECTION)).toBe(SECRET);
  });

  it('uses a random nonce: the same secret seals differently every time', () => {
    expect(box.seal(SECRET, CONNECTION)).not.toBe(box.seal(SECRET, CONNECTION));
  });

  it.each([
    ['nonce', 2],
    ['ciphertext', 3],
    ['authentication tag', 4],
  ])('tampered %s gives a clear error, never garbage', (_what, part) => {
    const tampered = flipOneCharacter(box.seal(SECRET, CONNECTION), part);
    expect(() => box.open(tampered, CONNECTION)).toThrow(DecryptionError);
    expect(() => box.open(tampered, CONNECTION)).toThrow(/failed authentication: it was altered/);
  });

  it('a ciphertext copied to another connection does not open', () => {
    const sealed = box.seal(SECRET, CONNECTION);
    expect(() => box.open(sealed, 'another-connection')).toThrow(/failed authentication/);
  });

  it('a wrong key is named as such', () => {
    const sealed = box.seal(SECRET, CONNECTION);
    const other = createSecretBox(crypto.randomBytes(32));
    expect(() => other.open(sealed, CONNECTION)).toThrow(
      new RegExp(`sealed with key ${box.keyId} but STORELINK_ENCRYPTION_KEY is key ${other.keyId}`),
    );
  });

  it('a wrong key that claims the right key id still fails authentication', () => {
    const sealed = box.seal(SECRET, CONNECTION);
    const impostor = createSecretBox(crypto.randomBytes(32));
    const relabelled = sealed.replace(`.${box.keyId}.`, `.${impostor.keyId}.`);
    expect(() => impostor.open(relabelled, CONNECTION)).toThrow(/failed authentication/);
  });

  it('a value that is not an envelope is refused', () => {
    expect(() => box.open('plain-text-token', CONNECTION)).toThrow(/not a v1 credential envelope/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow(/must be 32 bytes/);
  });
});
