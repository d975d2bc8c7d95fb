import crypto from 'node:crypto';

/**
 * AES-256-GCM for channel credentials at rest. An envelope is
 * `v1.<keyId>.<nonce>.<ciphertext>.<tag>` (base64url parts): the key id names which key sealed it,
 * so a wrong key is reported as such instead of as tampering. Associated data binds a ciphertext
 * to its row (the connection id), so a sealed value copied to another row does not open.
 */

const VERSION = 'v1';
const NONCE_BYTES = 12;
const KEY_BYTES = 32;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, associatedData: string): string;
  open(envelope: string, associatedData: string): string;
}

/** Short public fingerprint of a key: safe to store and log, useless to an attacker. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plaintext, associatedData) {
      const nonce = crypto.randomBytes(NONCE_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, nonce, ciphertext, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(envelope, associatedData) {
      const parts = envelope.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) {
        throw new DecryptionError(`not a ${VERSION} credential envelope (expected 5 dot-separated parts)`);
      }
      const [, sealedWith, nonce, ciphertext, tag] = parts as [string, string, string, string, string];
      if (sealedWith !== keyId) {
        throw new DecryptionError(
          `sealed with key ${sealedWith} but STORELINK_ENCRYPTION_KEY is key ${keyId}: configure the key it was sealed with`,
        );
      }
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('credential ciphertext failed authentication: it was altered or belongs to another record');
      }
    },
  };
}
