import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { resolveEncryptionKey } from '../../src/security/encryption-key';

function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  return { log, lines };
}

describe('R-6 encryption key', () => {
  it('takes STORELINK_ENCRYPTION_KEY when set and writes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-key-'));
    const { log } = capturingLogger();
    const key = resolveEncryptionKey(Buffer.alloc(32, 1).toString('base64'), dir, log);
    expect(key.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('embedded default: generates a key once into the data folder, with a visible warning, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-key-'));
    const first = capturingLogger();
    const key = resolveEncryptionKey(undefined, dir, first.log);
    expect(first.lines.join('')).toMatch(/Generated a development encryption key; set STORELINK_ENCRYPTION_KEY in production/);
    expect(fs.statSync(path.join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);
    const again = resolveEncryptionKey(undefined, dir, capturingLogger().log);
    expect(again.equals(key)).toBe(true);
  });
});
