import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { databaseTargetFor, openDatabase, type DatabaseHandle } from '../../src/db/client';
import { checkApiToken } from '../../src/db/repositories/api-tokens';
import { parseConfig } from '../../src/config';
import { createTestDatabase } from '../helpers/db';

let postgres: (DatabaseHandle & { url?: string }) | undefined;

beforeAll(async () => {
  // The CLI reads process.env once: point it at this file's own database before the first command.
  process.env.STORELINK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-tokens-'));
  if (process.env.DATABASE_URL) {
    postgres = await createTestDatabase();
    process.env.DATABASE_URL = postgres.url;
    process.env.STORELINK_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
  }
});
afterAll(() => postgres?.close());

async function captureCli(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  process.exitCode = 0;
  try {
    await runCli(['node', 'storelink', ...args]);
    return { out: out.join('\n'), err: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = 0;
  }
}

describe('storelink tokens', () => {
  it('create prints a new token once, and it authenticates', async () => {
    const { out, exitCode } = await captureCli('tokens', 'create', '--name', 'wms-test');
    expect(exitCode).toBe(0);
    const token = /^(slk_\S+)$/m.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(out).toMatch(/It is shown only now/);

    const cfg = parseConfig(process.env);
    const handle = await openDatabase(databaseTargetFor(cfg.database, cfg.dataDir));
    try {
      await expect(checkApiToken(handle.db, token!)).resolves.toMatchObject({ ok: true, name: 'wms-test' });
    } finally {
      await handle.close();
    }

    const listed = await captureCli('tokens', 'list');
    expect(listed.out).toContain('wms-test');
    expect(listed.out).not.toContain(token!.slice(-43));
  });

  it('create without --name explains what is missing', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { err, exitCode } = await captureCli('tokens', 'create');
      expect(exitCode).toBe(1);
      expect(`${err}${write.mock.calls.map((c) => String(c[0])).join('')}`).toMatch(/required option '--name <name>' not specified/);
    } finally {
      write.mockRestore();
    }
  });

  it('revoke of an unknown id fails clearly', async () => {
    const { err, exitCode } = await captureCli('tokens', 'revoke', '0123456789abcdef');
    expect(exitCode).toBe(1);
    expect(err).toMatch(/no API token 0123456789abcdef/);
  });

  it('--help is available on every command', async () => {
    for (const command of [[], ['tokens'], ['tokens', 'create'], ['status'], ['serve'], ['db', 'migrate']]) {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const { exitCode } = await captureCli(...command, '--help');
        expect(exitCode).toBe(0);
        expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^Usage: storelink/m);
      } finally {
        write.mockRestore();
      }
    }
  });
});
