// `npm test`: installs what is missing (like `npm start`), then runs jest against a real Temporal
// dev server (started once by test/setup/global-setup.ts) and PGlite, or Postgres when DATABASE_URL is set.
import { spawnSync } from 'node:child_process';
import { BootstrapError, ensureNodeModules, ensureTemporalCli, projectRoot } from './bootstrap.mjs';
import { ensureShopifySchema } from './shopify-schema.mjs';

try {
  ensureNodeModules();
  const temporalCli = ensureTemporalCli();
  await ensureShopifySchema(projectRoot); // the Shopify emulator validates every document against it
  const result = spawnSync(
    process.execPath,
    // PGlite loads its WebAssembly through dynamic import, which Jest's VM allows only with this flag.
    ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...process.argv.slice(2)],
    { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, TEMPORAL_CLI_PATH: temporalCli } },
  );
  process.exit(result.status ?? 1);
} catch (error) {
  console.error(error instanceof BootstrapError ? `[bootstrap] ${error.message}` : error);
  process.exit(1);
}
