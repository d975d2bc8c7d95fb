import fs from 'node:fs';
import type { Command } from 'commander';
import { config } from '../config';
import { SYNC_STREAMS, type ConnectionStatus, type ImportProgress } from '../domain/connection-lifecycle';
import { ApiClient } from './api-client';

/** `storelink connections …`: the connection verbs of the API, for operators. */

interface Connection {
  id: string;
  channel: string;
  clientCode: string;
  warehouseCode: string;
  storeName: string | null;
  displayName: string | null;
  status: ConnectionStatus;
  statusReason: string | null;
  active: boolean;
  importProgress: ImportProgress | null;
}

const nameOf = (c: Connection) => c.displayName ?? c.storeName ?? '(store not validated yet)';

function summaryLine(c: Connection): string {
  return `${c.id}  ${c.channel.padEnd(11)} ${nameOf(c).padEnd(28)} ${c.status}${c.active ? '' : ' (inactive)'}${c.statusReason ? ` — ${c.statusReason}` : ''}`;
}

function details(c: Connection): string {
  const lines = [
    `connection  ${c.id}`,
    `channel     ${c.channel}`,
    `store       ${nameOf(c)}`,
    `client      ${c.clientCode} → warehouse ${c.warehouseCode}`,
    `status      ${c.status}${c.active ? ', active' : ', inactive'}`,
  ];
  if (c.statusReason) lines.push(`reason      ${c.statusReason}`);
  if (c.importProgress) {
    const { products, orders } = c.importProgress;
    lines.push(`import      products ${products.done}${products.finished ? ' (done)' : ''}, open orders ${orders.done}${orders.finished ? ' (done)' : ''}`);
  }
  return lines.join('\n');
}

function bar(done: number, total: number | null, width = 24): string {
  if (!total) return `${done}`;
  const filled = Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/** Follows the initial import with a progress line until the connection leaves `importing`. */
async function followImport(api: ApiClient, id: string): Promise<Connection> {
  for (;;) {
    const c = await api.request<Connection>('GET', `/v1/connections/${id}`);
    const p = c.importProgress;
    if (p && process.stdout.isTTY) {
      process.stdout.write(`\rimporting  products ${bar(p.products.done, p.products.total)}  open orders ${bar(p.orders.done, p.orders.total)}   `);
    }
    if (c.status !== 'importing') {
      if (process.stdout.isTTY) process.stdout.write('\n');
      return c;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description('store connections (SPEC §3)');
  const api = () => ApiClient.fromConfig(config());

  connections
    .command('list')
    .description('every connection with its status')
    .action(async () => {
      const { connections: rows } = await api().request<{ connections: Connection[] }>('GET', '/v1/connections');
      console.log(rows.length === 0 ? 'no connections yet' : rows.map(summaryLine).join('\n'));
    });

  connections
    .command('create')
    .description('create a connection; its credentials are checked at once (C-2)')
    .requiredOption('--channel <channel>', 'shopify')
    .requiredOption('--client <code>', 'WMS client code')
    .requiredOption('--warehouse <code>', 'WMS warehouse code')
    .requiredOption('--credentials-file <path>', 'JSON file with the credentials (Shopify: {"shop","accessToken","appSecret"})')
    .option('--display-name <name>', 'overrides the store name read from the channel')
    .option('--settings-file <path>', 'JSON file with settings (SPEC §3 table)')
    .option('--inactive', 'create it inactive')
    .option('--finish', 'finish setup right away and follow the initial import')
    .action(async (options: { channel: string; client: string; warehouse: string; credentialsFile: string; displayName?: string; settingsFile?: string; inactive?: boolean; finish?: boolean }) => {
      const client = api();
      const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      let created = await client.request<Connection>('POST', '/v1/connections', {
        channel: options.channel,
        clientCode: options.client,
        warehouseCode: options.warehouse,
        displayName: options.displayName,
        active: !options.inactive,
        credentials: readJson(options.credentialsFile),
        settings: options.settingsFile ? readJson(options.settingsFile) : undefined,
      });
      console.log(details(created));
      if (options.finish && created.status === 'draft') {
        await client.request('POST', `/v1/connections/${created.id}/finish`);
        created = await followImport(client, created.id);
        console.log(details(created));
      }
      if (created.status === 'action_required' || created.status === 'import_failed') process.exitCode = 1;
    });

  connections
    .command('show')
    .argument('<id>', 'connection id')
    .description('status, store and import progress')
    .action(async (id: string) => console.log(details(await api().request<Connection>('GET', `/v1/connections/${id}`))));

  connections
    .command('finish')
    .argument('<id>', 'connection id')
    .description('run the initial import (C-3) and show its progress')
    .action(async (id: string) => {
      const client = api();
      await client.request('POST', `/v1/connections/${id}/finish`);
      const done = await followImport(client, id);
      console.log(details(done));
      if (done.status !== 'completed') process.exitCode = 1;
    });

  for (const verb of ['activate', 'deactivate', 'disconnect'] as const) {
    connections
      .command(verb)
      .argument('<id>', 'connection id')
      .description(`${verb} the connection`)
      .action(async (id: string) => console.log(summaryLine(await api().request<Connection>('POST', `/v1/connections/${id}/${verb}`))));
  }

  connections
    .command('run')
    .argument('<id>', 'connection id')
    .argument('<stream>', SYNC_STREAMS.join(' | '))
    .description("run a stream's schedule now (C-9)")
    .action(async (id: string, stream: string) => {
      await api().request('POST', `/v1/connections/${id}/streams/${stream}/run`);
      console.log(`${stream} run requested for ${id}`);
    });
}
