import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseLockedError, openDatabase } from '../../src/db/client';
import { queryRows } from '../helpers/db';

describe('embedded PGlite data folder', () => {
  it('persists across opens and refuses a second opener while in use', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-pglite-')), 'pglite');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    await first.migrate();
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(DatabaseLockedError);
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(/open in another process \(pid \d+/);
    await first.close();

    const again = await openDatabase({ kind: 'pglite', dataDir });
    const tables = await queryRows<{ n: number }>(again.db, `select count(*)::int as n from information_schema.tables where table_name = 'orders'`);
    expect(tables[0]!.n).toBe(1);
    await again.close();
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-pglite-')), 'pglite');
    fs.writeFileSync(`${dataDir}.lock`, '2147483646'); // no such pid
    const handle = await openDatabase({ kind: 'pglite', dataDir });
    expect(fs.readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
    await handle.close();
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
