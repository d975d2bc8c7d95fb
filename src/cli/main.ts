import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { config, ConfigError } from '../config';
import { databaseTargetFor, openDatabase, type DatabaseHandle } from '../db/client';
import { createApiToken, listApiTokens, revokeApiToken } from '../db/repositories/api-tokens';
import { serve, type Role } from '../serve';
import { registerConnectionCommands } from './connections';
import { registerErrorCommands } from './errors';
import { registerInventoryCommands } from './inventory';
import { registerOrderCommands } from './orders';
import { collectStatus, formatStatus } from './status';

/**
 * `storelink`: runs the service (`serve`) and is the ops tool beside the API. It grows with each
 * issue (connections, orders, errors, inventory).
 */
export function buildCli(): Command {
  const program = new Command('storelink')
    .description('Storelink: connects your WMS to Shopify, Amazon, ShipStation and Salesforce.')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    // throw instead of process.exit, so runCli decides the exit code (and tests can call it)
    .exitOverride();

  program
    .command('serve')
    .description('run the API and/or the Temporal worker (both by default)')
    .argument('[roles...]', 'api and/or worker (default: both)', parseRoles)
    .option('--dev-token-file <path>', 'embedded stack: keep a development API token in this file')
    .action(async (roles: Role[], options: { devTokenFile?: string }) =>
      serve({ roles: roles.length > 0 ? roles : ['api', 'worker'], devTokenFile: options.devTokenFile }),
    );

  program
    .command('status')
    .description('reachability of the API, database, Temporal and workers; exits 1 when one is down')
    .action(async () => {
      const components = await collectStatus(config());
      console.log(formatStatus(components));
      if (components.some((c) => !c.ok)) process.exitCode = 1;
    });

  registerConnectionCommands(program);
  registerOrderCommands(program);
  registerErrorCommands(program);
  registerInventoryCommands(program);

  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply the committed migrations (also done at every start)')
    .action(() =>
      withDatabase(async (handle) => {
        await handle.migrate();
        console.log(`migrations applied (${handle.driver})`);
      }),
    );

  const tokens = program.command('tokens').description('API tokens for the WMS and operators (works on the database directly)');
  tokens
    .command('create')
    .description('create a token and print it once; only its hash is stored')
    .requiredOption('--name <name>', 'who or what uses it, e.g. "wms-prod"')
    .action((options: { name: string }) =>
      withDatabase(async ({ db: database }) => {
        const created = await createApiToken(database, options.name);
        console.log(`Created token ${created.id} (${created.name}). It is shown only now:\n${created.token}`);
      }),
    );
  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .action(() =>
      withDatabase(async ({ db: database }) => {
        for (const t of await listApiTokens(database)) {
          console.log(`${t.id}  ${t.name.padEnd(24)} created ${t.createdAt.toISOString()}${t.revokedAt ? `  revoked ${t.revokedAt.toISOString()}` : ''}`);
        }
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'token id (the part after slk_)')
    .action((id: string) =>
      withDatabase(async ({ db: database }) => {
        if (!(await revokeApiToken(database, id))) throw new Error(`no API token ${id}`);
        console.log(`revoked ${id}`);
      }),
    );
  return program;
}

function parseRoles(value: string, previous: Role[] = []): Role[] {
  if (!isRole(value)) throw new InvalidArgumentError('a role is "api" or "worker"');
  return [...new Set([...previous, value])];
}

function isRole(value: string): value is Role {
  return value === 'api' || value === 'worker';
}

async function withDatabase(work: (handle: DatabaseHandle) => Promise<void>): Promise<void> {
  const cfg = config();
  const handle = await openDatabase(databaseTargetFor(cfg.database, cfg.dataDir));
  try {
    await handle.migrate();
    await work(handle);
  } finally {
    await handle.close();
  }
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode; // commander has already printed help or the usage error
      return;
    }
    console.error(error instanceof ConfigError ? error.message : `storelink: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void runCli(process.argv);
