import type { Command } from 'commander';
import { config } from '../config';
import type { InventoryView } from '../definitions';
import { ApiClient } from './api-client';

/** `storelink inventory …`: why a store shows what it shows (I-5) and what its inventory loop is doing. */

interface LocationExplanation {
  channelLocationId: string;
  synced: boolean;
  skip: { reason: string; message: string } | null;
  quantity: number | null;
  formula: string | null;
  storeQuantity: { value: number; source: string; at: string } | null;
  lastPush: { quantity: number; at: string; formula: string | null } | null;
}

interface Explanation {
  connectionId: string;
  sku: string;
  syncInventory: boolean;
  method: string;
  listings: { listingId: string; channelItemId: string; channelSku: string | null; pending: boolean; locations: LocationExplanation[] }[];
}

export function formatExplanation(e: Explanation): string {
  const lines = [`${e.sku} on connection ${e.connectionId}: inventory sync ${e.syncInventory ? `on (method ${e.method})` : 'OFF'}`];
  for (const listing of e.listings) {
    lines.push(`  listing ${listing.channelItemId}${listing.channelSku ? ` (${listing.channelSku})` : ''}${listing.pending ? ' — a change is waiting for the next push' : ''}`);
    for (const l of listing.locations) {
      lines.push(`    location ${l.channelLocationId}: ${l.skip ? `not synced (${l.skip.reason}): ${l.skip.message}` : `should show ${l.quantity}`}`);
      if (l.formula) lines.push(`      ${l.formula}`);
      if (l.storeQuantity) lines.push(`      store showed ${l.storeQuantity.value} when we last ${l.storeQuantity.source === 'read' ? 'read it' : 'pushed'} (${l.storeQuantity.at})`);
      lines.push(l.lastPush ? `      last push: ${l.lastPush.quantity} at ${l.lastPush.at}` : '      never pushed');
    }
  }
  return lines.join('\n');
}

export function registerInventoryCommands(program: Command): void {
  const api = () => ApiClient.fromConfig(config());
  const inventory = program.command('inventory').description('inventory sync (SPEC §7)');

  inventory
    .command('explain')
    .description('why the store shows what it shows for a SKU: inputs, formula, last push, skip reason')
    .requiredOption('--connection <id>', 'the store connection')
    .requiredOption('--sku <sku>', 'the WMS SKU (or the store item SKU)')
    .action(async (options: { connection: string; sku: string }) => {
      const query = new URLSearchParams({ connection: options.connection, sku: options.sku });
      console.log(formatExplanation(await api().request<Explanation>('GET', `/v1/inventory/explain?${query}`)));
    });

  inventory
    .command('status')
    .argument('<connection>', 'connection id')
    .description('the inventory loop: state, backlog and last push')
    .action(async (connectionId: string) => {
      const view = await api().request<InventoryView & { webUiUrl: string }>('GET', `/v1/connections/${encodeURIComponent(connectionId)}/inventory`);
      const last = view.lastPush;
      console.log(
        [
          `inventory loop of ${connectionId}: ${view.state}${view.reason ? ` (${view.reason})` : ''}`,
          `backlog: ${view.backlog.ready} ready, ${view.backlog.waiting} waiting after a stale push`,
          last ? `last push ${last.at}: ${last.pushed} pushed in ${last.mutations} mutations, ${last.unchanged} unchanged, ${last.skipped} skipped, ${last.stale} stale, ${last.rejected} rejected` : 'no push yet',
          `follow it: ${view.webUiUrl}`,
        ].join('\n'),
      );
    });
}
