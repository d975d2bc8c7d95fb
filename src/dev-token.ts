import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './db/client';
import { checkApiToken, createApiToken } from './db/repositories/api-tokens';

/**
 * The embedded stack's API token, kept in a file beside the embedded database (mode 0600) so
 * `npm start` can print it every time; the database itself holds only its hash.
 */
export async function ensureDevToken(db: Database, file: string): Promise<string> {
  if (fs.existsSync(file)) {
    const token = fs.readFileSync(file, 'utf8').trim();
    if ((await checkApiToken(db, token)).ok) return token;
  }
  const { token } = await createApiToken(db, 'dev (npm start)');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
