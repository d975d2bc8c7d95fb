// ordersDownloadWorkflow (SPEC §5 OD-1 … OD-12), id `orders-download:{connectionId}` for the
// connection's poll schedule and the initial import, `orders-reconcile:{connectionId}` for the
// nightly wide window and manual date ranges. One run reads its window page by page; the activity
// takes every order through the shared intake (which starts or signals each order's workflow) and
// commits the cursor after each stored page. History stays bounded: an activity call covers many
// pages, and the run continues as new after a few calls.
import {
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  importProgressSignal,
  type OrdersDownloadCounts,
  type OrdersDownloadMode,
  type OrdersDownloadProgress,
  ordersDownloadProgressQuery,
  searchAttributes,
} from '../definitions';
import { addOrderCounts, emptyOrderCounts } from '../domain/order-download';
import { beginFinishOptions, DEFAULT_ACTIVITIES_PER_RUN, DEFAULT_PAGES_PER_ACTIVITY, pagesOptions, reportingRejectedCredentials } from './paged-download';

// ---- contract with the activities (src/activities/orders-download.ts implements it)

export interface OrderWindowBounds {
  updatedFrom: string;
  updatedTo: string;
}

export interface OrdersDownloadStart {
  enabled: boolean;
  reason: string | null;
  channel: string;
  storeName: string;
  window: OrderWindowBounds | null;
}

export interface OrderPagesInput {
  connectionId: string;
  window: OrderWindowBounds;
  cursor: string | null;
  maxPages: number;
  /** Incremental and lookback runs move the connection's cursor; manual ranges do not. */
  commitCursor: boolean;
}

export interface OrderPagesResult {
  cursor: string | null;
  done: boolean;
  counts: OrdersDownloadCounts;
}

export interface OrdersDownloadActivities {
  beginOrdersDownload(input: { connectionId: string; mode: OrdersDownloadMode }): Promise<OrdersDownloadStart>;
  downloadOrderPages(input: OrderPagesInput): Promise<OrderPagesResult>;
  refreshOrder(input: { connectionId: string; channelOrderId: string }): Promise<string>;
  finishOrdersDownload(input: { connectionId: string; mode: OrdersDownloadMode; counts: OrdersDownloadCounts; window: OrderWindowBounds }): Promise<void>;
}

export interface OrdersDownloadInput {
  connectionId: string;
  /** Default incremental (the poll). */
  mode?: OrdersDownloadMode;
  pagesPerActivity?: number;
  activitiesPerRun?: number;
  carried?: { window: OrderWindowBounds; cursor: string | null; counts: OrdersDownloadCounts };
}

const { beginOrdersDownload, finishOrdersDownload } = proxyActivities<OrdersDownloadActivities>(beginFinishOptions);
const { downloadOrderPages } = proxyActivities<OrdersDownloadActivities>(pagesOptions);

export async function ordersDownloadWorkflow(input: OrdersDownloadInput): Promise<OrdersDownloadProgress> {
  return reportingRejectedCredentials(input.connectionId, 'orders-download', () => download(input));
}

async function download(input: OrdersDownloadInput): Promise<OrdersDownloadProgress> {
  const { connectionId } = input;
  const mode = input.mode ?? { kind: 'incremental' };
  const progress: OrdersDownloadProgress = {
    connectionId,
    mode: mode.kind,
    state: input.carried ? 'downloading' : 'starting',
    window: input.carried?.window ?? null,
    counts: input.carried?.counts ?? emptyOrderCounts(),
    reason: null,
  };
  setHandler(ordersDownloadProgressQuery, () => progress);

  let run = input.carried;
  if (!run) {
    upsertSearchAttributes([{ key: searchAttributes.connectionId, value: connectionId }]);
    const start = await beginOrdersDownload({ connectionId, mode });
    upsertSearchAttributes([
      { key: searchAttributes.channel, value: start.channel },
      { key: searchAttributes.storeName, value: start.storeName },
    ]);
    if (!start.enabled || !start.window) {
      progress.state = 'skipped';
      progress.reason = start.reason;
      setCurrentDetails(`skipped: ${start.reason ?? ''}`);
      return progress;
    }
    run = { window: start.window, cursor: null, counts: progress.counts };
    progress.window = start.window;
  }
  progress.state = 'downloading';
  setCurrentDetails(details(progress));

  const pagesPerActivity = input.pagesPerActivity ?? DEFAULT_PAGES_PER_ACTIVITY;
  const activitiesPerRun = input.activitiesPerRun ?? DEFAULT_ACTIVITIES_PER_RUN;
  for (let calls = 0; ; calls++) {
    if (calls >= activitiesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof ordersDownloadWorkflow>({ ...input, mode, carried: run });
    }
    const result: OrderPagesResult = await downloadOrderPages({ connectionId, window: run.window, cursor: run.cursor, maxPages: pagesPerActivity, commitCursor: mode.kind !== 'range' });
    run = { ...run, cursor: result.cursor, counts: addOrderCounts(run.counts, result.counts) };
    progress.counts = run.counts;
    setCurrentDetails(details(progress));
    await reportToParent(run.counts);
    if (result.done) break;
  }
  await finishOrdersDownload({ connectionId, mode, counts: run.counts, window: run.window });
  progress.state = 'completed';
  setCurrentDetails(details(progress));
  return progress;
}

/** C-3: the connection workflow shows the initial import's progress; a scheduled run has no parent. */
async function reportToParent(counts: OrdersDownloadCounts): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(importProgressSignal, { stream: 'orders', done: counts.imported + counts.updated + counts.unchanged, total: null });
  } catch (error) {
    log.warn('could not report import progress to the parent workflow', { error: String(error) });
  }
}

function details(p: OrdersDownloadProgress): string {
  const window = p.window ? `${p.window.updatedFrom} – ${p.window.updatedTo}` : '';
  const c = p.counts;
  return `${p.state} ${p.mode} ${window}: ${c.seen} read, ${c.imported} imported, ${c.updated} updated, ${c.skipped} skipped, ${c.failed} failed`;
}
