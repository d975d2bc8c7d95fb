import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { scheduleIdFor, searchAttributes, workflowIds, workflowTypes } from '../definitions';
import type { ConnectionSettings } from '../domain/connection-settings';
import type { SyncStream } from '../domain/connection-lifecycle';

/**
 * Temporal Schedules per connection and stream (C-9): the interval is a setting, overlap is
 * "skip" (never two runs of one stream at once), and pausing is how a connection stops syncing
 * (C-4). A stream gets a schedule once its workflow exists; the others join with their issues.
 */

interface StreamWorkflow {
  workflowType: string;
  workflowId: (connectionId: string) => string;
  /** Beyond the connection id, what the stream's workflow is started with. */
  input?: Record<string, unknown>;
  everyMinutes: (schedules: ConnectionSettings['schedules']) => number;
  /** Streams that follow a setting have a schedule only while it is on (default: always). */
  enabled?: (settings: ConnectionSettings) => boolean;
}

const STREAM_WORKFLOWS: Partial<Record<SyncStream, StreamWorkflow>> = {
  products: {
    workflowType: workflowTypes.productsDownload,
    workflowId: workflowIds.productsDownload,
    everyMinutes: (schedules) => schedules.productsEveryMinutes,
  },
  orders: {
    workflowType: workflowTypes.ordersDownload,
    workflowId: workflowIds.ordersDownload,
    everyMinutes: (schedules) => schedules.ordersEveryMinutes,
  },
  order_reconciliation: {
    workflowType: workflowTypes.ordersDownload,
    workflowId: workflowIds.ordersReconcile,
    input: { mode: { kind: 'lookback' } },
    everyMinutes: (schedules) => schedules.orderReconciliationEveryMinutes,
  },
  inventory_reconcile: {
    workflowType: workflowTypes.inventoryReconcile,
    workflowId: workflowIds.inventoryReconcile,
    everyMinutes: (schedules) => schedules.inventoryReconcileEveryMinutes,
    enabled: (settings) => settings.syncInventory,
  },
};

export const scheduledStreams = Object.keys(STREAM_WORKFLOWS) as SyncStream[];

export interface ConnectionScheduleContext {
  connectionId: string;
  channel: string;
  storeName: string;
  taskQueue: string;
  settings: ConnectionSettings;
}

function scheduleOptions(stream: SyncStream, workflow: StreamWorkflow, context: ConnectionScheduleContext, paused: boolean): ScheduleOptions {
  const { connectionId } = context;
  return {
    scheduleId: scheduleIdFor(connectionId, stream),
    spec: { intervals: [{ every: `${workflow.everyMinutes(context.settings.schedules)} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: workflow.workflowType,
      workflowId: workflow.workflowId(connectionId),
      taskQueue: context.taskQueue,
      args: [{ connectionId, ...workflow.input }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: searchAttributes.connectionId, value: connectionId },
        { key: searchAttributes.channel, value: context.channel },
        { key: searchAttributes.storeName, value: context.storeName },
      ]),
      staticSummary: `${stream} sync of ${context.storeName}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    state: { paused, note: paused ? 'created paused: connection inactive' : 'created at setup completion' },
    memo: { connectionId },
  };
}

/** Creates missing schedules, brings existing ones to the current intervals, removes those of streams turned off. Idempotent. */
export async function ensureConnectionSchedules(client: Client, context: ConnectionScheduleContext, paused: boolean): Promise<void> {
  for (const [stream, workflow] of Object.entries(STREAM_WORKFLOWS) as [SyncStream, StreamWorkflow][]) {
    if (workflow.enabled && !workflow.enabled(context.settings)) {
      await deleteSchedule(client, scheduleIdFor(context.connectionId, stream));
      continue;
    }
    const options = scheduleOptions(stream, workflow, context, paused);
    try {
      await client.schedule.create(options);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action }));
      await setPaused(client, options.scheduleId, paused, 'intervals updated');
    }
  }
}

export async function setConnectionSchedulesPaused(client: Client, connectionId: string, paused: boolean, note: string): Promise<void> {
  for (const stream of scheduledStreams) await setPaused(client, scheduleIdFor(connectionId, stream), paused, note);
}

async function setPaused(client: Client, scheduleId: string, paused: boolean, note: string): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    if (paused) await handle.pause(note);
    else await handle.unpause(note);
  } catch (error) {
    // A connection completed before a stream existed has no schedule for it until ensureConnectionSchedules runs.
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/**
 * "Run now": queued behind a running one rather than dropped or doubled. Without named streams,
 * every stream that has a schedule runs; a named stream without one is an error for the caller.
 */
export async function triggerConnectionSchedules(client: Client, connectionId: string, streams?: readonly SyncStream[]): Promise<void> {
  for (const stream of streams ?? scheduledStreams) {
    try {
      await client.schedule.getHandle(scheduleIdFor(connectionId, stream)).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      if (streams) throw new StreamNotScheduledError(connectionId, stream);
    }
  }
}

export class StreamNotScheduledError extends Error {
  constructor(connectionId: string, stream: SyncStream) {
    super(`connection ${connectionId} has no ${stream} schedule${STREAM_WORKFLOWS[stream]?.enabled ? ' (it exists while the stream is turned on in the settings)' : ''}`);
    this.name = 'StreamNotScheduledError';
  }
}

export async function deleteConnectionSchedules(client: Client, connectionId: string): Promise<void> {
  for (const stream of scheduledStreams) await deleteSchedule(client, scheduleIdFor(connectionId, stream));
}

async function deleteSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error; // already gone: idempotent
  }
}
