import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The key that seals credentials: from STORELINK_ENCRYPTION_KEY, or for the embedded default
 * generated once into the data folder, with a warning that production must set its own.
 */
export function resolveEncryptionKey(configured: string | undefined, dataDir: string, log: Logger): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const keyFile = path.join(dataDir, 'encryption.key');
  if (!fs.existsSync(keyFile)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    log.warn({ keyFile }, 'Generated a development encryption key; set STORELINK_ENCRYPTION_KEY in production');
  } else {
    log.warn({ keyFile }, 'Using the development encryption key from the data folder; set STORELINK_ENCRYPTION_KEY in production');
  }
  const key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${keyFile} does not hold a base64 32-byte key`);
  return key;
}
