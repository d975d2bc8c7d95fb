// orderRefreshWorkflow, id `order-refresh:{connectionId}:{channelOrderId}`: re-reads one order by id
// and takes it through the same intake as the poll (OD-2 webhooks, OD-11 manual re-import).
// Started with signal-with-start: hints that arrive while a read is running ask for one more read
// afterwards (a change made after the read began is not missed), and any number of hints during
// one read cost one extra read, not one each.
import { proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { orderRefreshRequestedSignal } from '../definitions';
import { reportingRejectedCredentials } from './paged-download';
import type { OrdersDownloadActivities } from './orders-download';

const { refreshOrder } = proxyActivities<OrdersDownloadActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});

export interface OrderRefreshInput {
  connectionId: string;
  channelOrderId: string;
}

export async function orderRefreshWorkflow(input: OrderRefreshInput): Promise<string[]> {
  let requested = 0;
  setHandler(orderRefreshRequestedSignal, () => {
    requested++;
  });
  const outcomes: string[] = [];
  // The start's own signal is the first request (buffered signals reach the handler as it is set).
  do {
    requested = 0;
    outcomes.push(await reportingRejectedCredentials(input.connectionId, 'order-refresh', () => refreshOrder(input)));
    setCurrentDetails(`read ${outcomes.length}×: ${outcomes.join(', ')}`);
  } while (requested > 0);
  return outcomes;
}
