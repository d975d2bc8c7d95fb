import { InvalidArgumentError, type Command } from 'commander';
import { config } from '../config';
import type { OrderView, ShipmentView } from '../definitions';
import { ApiClient } from './api-client';

/** `storelink orders …`: the order verbs of the API, for operators (O-7, OD-11). */

interface OrderSummary {
  id: string;
  connectionId: string;
  channelOrderId: string;
  orderNumber: string;
  status: string;
  holdReason: string | null;
  releasedAt: string | null;
  updatedAt: string;
  workflowId: string;
  webUiUrl: string;
}

interface Order extends OrderSummary {
  financialStatus: string | null;
  tags: string[];
  customer: { name: string | null; email: string | null; phone: string | null; shippingAddress: Record<string, unknown> | null };
  lines: { sku: string | null; title: string | null; quantity: number; quantityToShip: number }[];
  shipments: {
    wmsShipmentId: string;
    status: string;
    statusMessage: string | null;
    carrier: string | null;
    trackingNumbers: string[];
    channelFulfillmentId: string | null;
    lines: { sku: string; quantity: number }[];
  }[];
  live: OrderView | null;
}

const statusOf = (o: { status: string; holdReason: string | null }) => `${o.status}${o.holdReason ? ` (${o.holdReason})` : ''}`;

function orderLine(o: OrderSummary): string {
  return `${o.id}  ${o.orderNumber.padEnd(10)} ${statusOf(o).padEnd(36)} updated ${o.updatedAt}`;
}

function address(a: Record<string, unknown> | null): string {
  if (!a) return '(none)';
  return ['name', 'company', 'address1', 'address2', 'zip', 'city', 'provinceCode', 'countryCode'].map((k) => a[k]).filter((v) => typeof v === 'string' && v).join(', ');
}

function details(o: Order): string {
  const lines = [
    `order       ${o.orderNumber}  (${o.id})`,
    `store id    ${o.channelOrderId} on connection ${o.connectionId}`,
    `status      ${statusOf(o)}${o.releasedAt ? `, released ${o.releasedAt}` : ''}`,
    `payment     ${o.financialStatus ?? '?'}${o.tags.length > 0 ? `   tags: ${o.tags.join(', ')}` : ''}`,
    `customer    ${o.customer.name ?? '(no name)'} ${o.customer.email ?? ''} ${o.customer.phone ?? ''}`.trimEnd(),
    `ship to     ${address(o.customer.shippingAddress)}`,
    'lines',
    ...o.lines.map((l) => `  ${(l.sku ?? '(no SKU)').padEnd(20)} ${String(l.quantityToShip).padStart(4)} of ${l.quantity}  ${l.title ?? ''}`),
  ];
  if (o.shipments.length > 0) {
    lines.push('shipments');
    for (const s of o.shipments) {
      lines.push(`  ${s.wmsShipmentId.padEnd(20)} ${s.status.padEnd(12)} ${s.carrier ?? ''} ${s.trackingNumbers.join(', ')}${s.statusMessage ? ` — ${s.statusMessage}` : ''}`);
    }
  }
  lines.push(o.live ? `workflow    ${o.live.status}${o.live.released ? ', released to the WMS' : ''}` : 'workflow    (not answering)');
  lines.push(`web ui      ${o.webUiUrl}`);
  return lines.join('\n');
}

const shipmentLine = (s: ShipmentView) => `shipment ${s.wmsShipmentId}: ${s.status}${s.message ? ` — ${s.message}` : ''}`;

function isoDate(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected an ISO-8601 date-time, e.g. 2026-11-25T00:00:00Z');
  return new Date(value).toISOString();
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerOrderCommands(program: Command): void {
  const orders = program.command('orders').description('orders (SPEC §5, §6)');
  const api = () => ApiClient.fromConfig(config());

  orders
    .command('list')
    .description('orders, oldest change first')
    .option('--status <status>', 'pending_payment | on_hold | open | in_progress | partially_shipped | shipped | cancel_requested | cancelled')
    .option('--connection <id>', 'only this connection')
    .option('--number <orderNumber>', 'the store order number, e.g. #1001')
    .option('--updated-since <iso>', 'changed at or after', isoDate)
    .option('--limit <n>', 'page size (default 100)')
    .option('--after <cursor>', 'the next-page cursor printed by the previous page')
    .action(async (options: { status?: string; connection?: string; number?: string; updatedSince?: string; limit?: string; after?: string }) => {
      const query = new URLSearchParams();
      if (options.status) query.set('status', options.status);
      if (options.connection) query.set('connectionId', options.connection);
      if (options.number) query.set('orderNumber', options.number);
      if (options.updatedSince) query.set('updatedSince', options.updatedSince);
      if (options.limit) query.set('limit', options.limit);
      if (options.after) query.set('after', options.after);
      const page = await api().request<{ orders: OrderSummary[]; nextAfter: string | null }>('GET', `/v1/orders?${query}`);
      console.log(page.orders.length === 0 ? 'no orders' : page.orders.map(orderLine).join('\n'));
      if (page.nextAfter) console.log(`more: --after ${page.nextAfter}`);
    });

  orders
    .command('show')
    .argument('<id>', 'order id')
    .description('lines, customer, shipments and the workflow link')
    .action(async (id: string) => console.log(details(await api().request<Order>('GET', `/v1/orders/${encodeURIComponent(id)}`))));

  orders
    .command('release')
    .argument('<id>', 'order id')
    .description('release a hold (O-7)')
    .action(async (id: string) => {
      const view = await api().request<OrderView>('POST', `/v1/orders/${encodeURIComponent(id)}/release`);
      console.log(`order ${view.orderNumber}: ${statusOf(view)}`);
    });

  orders
    .command('cancel')
    .argument('<id>', 'order id')
    .requiredOption('--reason <text>', 'why, for the order log')
    .description('cancel the order; the WMS is told, the store is not (O-5)')
    .action(async (id: string, options: { reason: string }) => {
      const view = await api().request<OrderView>('POST', `/v1/orders/${encodeURIComponent(id)}/cancel`, { reason: options.reason });
      console.log(`order ${view.orderNumber}: ${statusOf(view)}`);
    });

  orders
    .command('resend')
    .argument('<orderId>', 'order id')
    .argument('<wmsShipmentId>', "the WMS's shipment id")
    .description('send a rejected or failed shipment to the store again (S-5)')
    .action(async (orderId: string, wmsShipmentId: string) => {
      const view = await api().request<ShipmentView>('POST', `/v1/orders/${encodeURIComponent(orderId)}/shipments/${encodeURIComponent(wmsShipmentId)}/resend`);
      console.log(shipmentLine(view));
    });

  orders
    .command('reimport')
    .description('re-read orders from the store by id, or every order changed in a date range (OD-11)')
    .requiredOption('--connection <id>', 'connection id')
    .option('--order <channelOrderId>', "the store's order id (repeatable)", collect)
    .option('--from <iso>', 'changed at or after', isoDate)
    .option('--to <iso>', 'changed before', isoDate)
    .action(async (options: { connection: string; order?: string[]; from?: string; to?: string }) => {
      const byRange = options.from !== undefined || options.to !== undefined;
      if (!options.order === !byRange) throw new Error('give --order <id> (one or more), or --from and --to');
      const result = await api().request<{ workflows: { channelOrderId: string | null; workflowId: string; webUiUrl: string }[] }>('POST', '/v1/orders/reimport', {
        connectionId: options.connection,
        ...(options.order ? { channelOrderIds: options.order } : { updatedFrom: options.from, updatedTo: options.to }),
      });
      for (const w of result.workflows) console.log(`${w.channelOrderId ?? 'range'}: ${w.workflowId}  ${w.webUiUrl}`);
    });
}
