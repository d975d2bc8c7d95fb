import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { channelOrderChangedSignal, type ChannelOrderChange, type OrderWorkflowInput, searchAttributes, workflowIds, workflowTypes } from '../definitions';

/**
 * How the download path reaches an order's workflow: signal-with-start, so a new order and a
 * change of a known one take the same call and one order never has two workflows. Id reuse is
 * refused: an order that closed (shipped, cancelled) never starts a second life; a late channel
 * change for it is only recorded (`closed`).
 */

export interface OrderWorkflowTarget {
  taskQueue: string;
  channel: string;
  storeName: string;
  input: OrderWorkflowInput;
}

export async function signalOrderWorkflow(
  client: Client,
  target: OrderWorkflowTarget,
  signal: { channelUpdatedAt: string; change: ChannelOrderChange },
): Promise<'signalled' | 'closed'> {
  const { input } = target;
  try {
    await client.workflow.signalWithStart(workflowTypes.order, {
      workflowId: workflowIds.order(input.connectionId, input.channelOrderId),
      taskQueue: target.taskQueue,
      args: [input],
      signal: channelOrderChangedSignal,
      signalArgs: [signal],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: searchAttributes.connectionId, value: input.connectionId },
        { key: searchAttributes.channel, value: target.channel },
        { key: searchAttributes.storeName, value: target.storeName },
        { key: searchAttributes.orderNumber, value: input.orderNumber },
        { key: searchAttributes.orderStatus, value: input.status },
      ]),
      staticSummary: `Order ${input.orderNumber} of ${target.storeName}`,
    });
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
    throw error;
  }
}
