/**
 * N-4: billable Temporal actions of one order lifecycle (download → release → 1 shipment → sent),
 * counted from the order workflow's history by Temporal Cloud's definition
 * (https://docs.temporal.io/cloud/actions), plus the order's share of the download run that
 * imported it. Target ≤ 12.
 *
 *   npm run bench:n4 -- [ordersInTheFirstRun=100]
 *
 * Two download runs: the first imports `orders` orders (a page run of an initial import); the
 * second, after one more order arrived, imports that one (the worst case of a poll: one new order
 * per run). The shipment goes through the API like N-1; the order is released with `wms: null`
 * (the WMS pulls), which costs the same activity as a push.
 */
import type { temporal } from '@temporalio/proto';
import { workflowIds } from '../src/definitions';
import type { OrdersDownloadProgress } from '../src/definitions';
import { createShop, generatePaidOrders, loadAverage, machineNote, postShipment, runBench, startDownload, startOrderStack, waitForOrders, type ReleasedOrder } from './order-stack';

const ORDERS = Number(process.argv[2] ?? 100);

type History = temporal.api.history.v1.IHistory;

/** Event type numbers (temporal.api.enums.v1.EventType) that are, or carry, billable actions. */
const E = {
  started: 1,
  activityScheduled: 10,
  activityStarted: 11,
  timerStarted: 17,
  markerRecorded: 25,
  signaled: 26,
  continuedAsNew: 28,
  childInitiated: 29,
  signalExternalInitiated: 37,
  upsertSearchAttributes: 40,
  updateAccepted: 41,
  propertiesModified: 46,
  optionsUpdated: 55,
} as const;

/**
 * Actions in one run's history, by kind. Temporal Cloud: a workflow start (client, continue-as-new,
 * child) is one; a Signal-With-Start is one in total, start included; every signal, accepted update,
 * activity attempt, timer and UpsertSearchAttributes command is one; a child is two; all markers
 * (local activities, side effects) of one workflow task are one. Heartbeats, queries, rejected
 * updates and schedule starts do not appear in a history: the caller adds them.
 */
function countActions(history: History): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (kind: string, n = 1) => counts.set(kind, (counts.get(kind) ?? 0) + n);
  const events = history.events ?? [];
  const signalWithStart = events[0]?.eventType === E.started && events[1]?.eventType === E.signaled;
  const markerTasks = new Set<string>();
  for (const event of events) {
    switch (event.eventType) {
      case E.started:
        add(signalWithStart ? 'workflow start (signal-with-start, its signal included)' : 'workflow start');
        break;
      case E.signaled:
        if (!(signalWithStart && event === events[1])) add('signal received');
        break;
      case E.updateAccepted:
        add('update accepted');
        break;
      case E.activityScheduled:
        add(`activity ${event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'}`);
        break;
      case E.activityStarted: {
        const retries = (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1;
        if (retries > 0) add('activity retries', retries);
        break;
      }
      case E.timerStarted:
        add('timer');
        break;
      case E.upsertSearchAttributes:
        add('search-attribute upsert');
        break;
      case E.markerRecorded:
        markerTasks.add(String(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? event.eventId));
        break;
      case E.childInitiated:
        add('child workflow (start + execution)', 2);
        break;
      case E.signalExternalInitiated:
        add('signal sent to another workflow');
        break;
      case E.propertiesModified:
        add('workflow properties modified');
        break;
      case E.optionsUpdated:
        add('workflow execution options updated');
        break;
      case E.continuedAsNew:
        add('continue-as-new (the next run\'s start)');
        break;
    }
  }
  if (markerTasks.size > 0) add('local activities / side effects (per workflow task)', markerTasks.size);
  return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

function table(title: string, counts: Map<string, number>): void {
  console.log(`\n${title}: ${total(counts)} actions in history`);
  console.log('| action | count |');
  console.log('|---|---|');
  for (const [kind, n] of counts) console.log(`| ${kind} | ${n} |`);
}

async function main(): Promise<void> {
  const stack = await startOrderStack({ api: true });
  try {
    console.log(`N-4 ${machineNote(stack)}`);
    const shop = await createShop(stack, { name: 'n4', orders: ORDERS });
    const first = await startDownload(stack, shop);
    const firstRun = (await first.result()) as OrdersDownloadProgress;
    await waitForOrders(stack, shop, 'every order released', (c) => c.released >= ORDERS, 5 * 60_000);

    const [order] = await stack.call<ReleasedOrder[]>('releasedOrders', shop.connectionId, 1);
    if (!order) throw new Error('no released order');
    await postShipment(stack, order, 'N4-1', '1ZN4000001');
    const handle = stack.client.workflow.getHandle(workflowIds.order(shop.connectionId, order.channelOrderId));
    const view = (await handle.result()) as { status: string; shipments: { status: string }[] };
    if (view.status !== 'shipped' || view.shipments[0]?.status !== 'sent') throw new Error(`order ended ${JSON.stringify(view)}`);

    await generatePaidOrders(stack, shop.domain, 1);
    const second = await startDownload(stack, shop);
    const secondRun = (await second.result()) as OrdersDownloadProgress;

    const orderActions = countActions(await handle.fetchHistory());
    const firstActions = countActions(await first.fetchHistory());
    const secondActions = countActions(await second.fetchHistory());
    table(`order workflow ${order.orderNumber} (download → release → 1 shipment → sent)`, orderActions);
    table(`download run 1: ${firstRun.counts.seen} read, ${firstRun.counts.imported} imported, ${firstRun.counts.pages} pages`, firstActions);
    table(`download run 2: ${secondRun.counts.seen} read, ${secondRun.counts.imported} imported, ${secondRun.counts.pages} pages`, secondActions);

    // Not in a history: at least the first heartbeat of each page activity reaches the server (the
    // SDK throttles the rest to 80 % of the 2-minute heartbeat timeout); a scheduled poll adds 2.
    const heartbeats = (actions: Map<string, number>) => actions.get('activity downloadOrderPages') ?? 0;
    const orderTotal = total(orderActions);
    console.log(`\nN-4 per order (load average at the end ${loadAverage()}):`);
    console.log('| case | order workflow | download run ÷ orders imported | total per order | target ≤ 12 |');
    console.log('|---|---|---|---|---|');
    for (const [name, actions, imported, scheduled] of [
      [`initial import, ${firstRun.counts.imported} orders in the run, client-started`, firstActions, firstRun.counts.imported, 0],
      [`poll run importing 1 order, started by the schedule`, secondActions, secondRun.counts.imported, 2],
    ] as const) {
      const download = total(actions) + heartbeats(actions) + scheduled;
      const share = download / Math.max(1, imported);
      const all = orderTotal + share;
      console.log(`| ${name} | ${orderTotal} | ${download} ÷ ${imported} = ${share.toFixed(2)} | ${all.toFixed(2)} | ${all <= 12 ? 'met' : 'missed'} |`);
    }
  } finally {
    await stack.close();
  }
}

runBench(main);
