import type { Command } from 'commander';
import { config } from '../config';
import { ApiClient } from './api-client';

/** `storelink errors …` (the error queue, E-3) and `storelink events list` (the integration log, E-1). */

interface IntegrationEvent {
  id: number;
  connectionId: string | null;
  entityType: string;
  entityId: string | null;
  severity: string;
  category: string | null;
  code: string;
  message: string;
  occurrences: number;
  lastSeenAt: string;
  resolvedAt: string | null;
}

interface ErrorEntry extends IntegrationEvent {
  retry: string | null;
  advice: string | null;
}

function eventLine(e: IntegrationEvent): string {
  const times = e.occurrences > 1 ? ` ×${e.occurrences}` : '';
  return `${String(e.id).padStart(6)}  ${e.lastSeenAt}  ${e.severity.padEnd(7)} ${e.code}${times}: ${e.message}`;
}

function errorLines(e: ErrorEntry): string {
  const what = e.retry ? `retry: ${e.retry}` : `to do: ${e.advice ?? 'see the message'}`;
  return `${eventLine(e)}\n        ${e.category ?? '-'} · ${e.entityType} ${e.entityId ?? ''} · ${what}${e.resolvedAt ? ` · resolved ${e.resolvedAt}` : ''}`;
}

function queryOf(pairs: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(pairs)) if (value !== undefined) query.set(key, value);
  return query.toString();
}

export function registerErrorCommands(program: Command): void {
  const api = () => ApiClient.fromConfig(config());
  const errors = program.command('errors').description('the error queue (SPEC §8)');

  errors
    .command('list')
    .description('open errors, most recently seen first')
    .option('--connection <id>', 'only this connection')
    .option('--category <category>', 'transient | data | auth | permanent')
    .option('--code <code>', 'e.g. sku_missing, shipment_rejected')
    .option('--resolved', 'resolved errors instead of open ones')
    .option('--limit <n>', 'page size (default 100)')
    .option('--after <cursor>', 'the next-page cursor printed by the previous page')
    .action(async (options: { connection?: string; category?: string; code?: string; resolved?: boolean; limit?: string; after?: string }) => {
      const query = queryOf({
        connectionId: options.connection,
        category: options.category,
        code: options.code,
        resolved: options.resolved ? 'true' : undefined,
        limit: options.limit,
        after: options.after,
      });
      const page = await api().request<{ errors: ErrorEntry[]; nextAfter: string | null }>('GET', `/v1/errors?${query}`);
      console.log(page.errors.length === 0 ? 'no errors' : page.errors.map(errorLines).join('\n'));
      if (page.nextAfter) console.log(`more: --after ${page.nextAfter}`);
    });

  errors
    .command('retry')
    .argument('<id>', 'error id')
    .description('re-import the order or re-send the shipment; the entry resolves itself when it works')
    .action(async (id: string) => {
      const result = await api().request<{ retry: string; webUiUrl: string }>('POST', `/v1/errors/${encodeURIComponent(id)}/retry`);
      console.log(`retrying: ${result.retry}\nfollow it: ${result.webUiUrl}`);
    });

  errors
    .command('resolve')
    .argument('<id>', 'error id')
    .description('mark it resolved (after fixing it by hand)')
    .action(async (id: string) => {
      const entry = await api().request<ErrorEntry>('POST', `/v1/errors/${encodeURIComponent(id)}/resolve`);
      console.log(`error ${entry.id} resolved at ${entry.resolvedAt}`);
    });

  program
    .command('events')
    .description('the integration log (SPEC §8)')
    .command('list')
    .description('every download, push and send, newest first')
    .option('--connection <id>', 'only this connection')
    .option('--severity <severity>', 'info | warning | error')
    .option('--code <code>', 'e.g. order_skipped')
    .option('--entity <id>', 'one order, shipment, product … by id')
    .option('--limit <n>', 'page size (default 100)')
    .option('--after <cursor>', 'the next-page cursor printed by the previous page')
    .action(async (options: { connection?: string; severity?: string; code?: string; entity?: string; limit?: string; after?: string }) => {
      const query = queryOf({ connectionId: options.connection, severity: options.severity, code: options.code, entityId: options.entity, limit: options.limit, after: options.after });
      const page = await api().request<{ events: IntegrationEvent[]; nextAfter: string | null }>('GET', `/v1/events?${query}`);
      console.log(page.events.length === 0 ? 'no events' : page.events.map(eventLine).join('\n'));
      if (page.nextAfter) console.log(`more: --after ${page.nextAfter}`);
    });
}
