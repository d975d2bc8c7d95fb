import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { orderRefreshRequestedSignal, searchAttributes, workflowIds, workflowTypes } from '../definitions';
import type { orderRefreshWorkflow } from '../workflows/order-refresh';

/**
 * Asks for a re-read of one order by id (OD-2 webhooks, OD-11 re-import, E-3 retries) with
 * signal-with-start: a running refresh takes the signal as "read once more", so any number of
 * hints during one read cost one extra read. The id may be reused once a refresh closed: each
 * later hint deserves a fresh read.
 */
export async function requestOrderRefresh(
  client: Client,
  request: { taskQueue: string; connectionId: string; channelOrderId: string; source: string },
): Promise<string> {
  const { connectionId, channelOrderId, source } = request;
  const workflowId = workflowIds.orderRefresh(connectionId, channelOrderId);
  await client.workflow.signalWithStart<typeof orderRefreshWorkflow, [{ source: string }]>(workflowTypes.orderRefresh, {
    workflowId,
    taskQueue: request.taskQueue,
    args: [{ connectionId, channelOrderId }],
    signal: orderRefreshRequestedSignal,
    signalArgs: [{ source }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([{ key: searchAttributes.connectionId, value: connectionId }]),
    staticSummary: `Re-read order ${channelOrderId} from the store (${source})`,
  });
  return workflowId;
}
