// productsDownloadWorkflow (SPEC §4 P-1 … P-8), id `products-download:{connectionId}`: started by
// the connection workflow as a child (initial import, C-3) and by the connection's daily Temporal
// Schedule (C-9). One run downloads what changed on the channel since the stored cursor (the whole
// catalogue when there is none), page by page; the activity commits each page with its cursor and
// heartbeats its position, so a retry resumes from the last committed page. History stays
// bounded: each activity call covers many pages, and the run continues as new after a few calls.
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
  type ProductsDownloadProgress,
  productsDownloadProgressQuery,
  type ProductsDownloadSummary,
  searchAttributes,
} from '../definitions';
import { addCounts, describeCounts, emptyCounts, type ProductsDownloadCounts } from '../domain/products';
import { beginFinishOptions, DEFAULT_ACTIVITIES_PER_RUN, DEFAULT_PAGES_PER_ACTIVITY, pagesOptions, reportingRejectedCredentials } from './paged-download';

// ---- contract with the activities (src/activities/products.ts implements it)

export interface ProductsDownloadStart {
  /** False when the connection's downloadProducts setting is off: nothing to do. */
  enabled: boolean;
  reason: string | null;
  channel: string;
  storeName: string;
  /** ISO bound of this run; null downloads the whole catalogue (no cursor yet). */
  updatedSince: string | null;
}

export interface ProductPagesInput {
  connectionId: string;
  updatedSince: string | null;
  /** The channel's page cursor to continue from; null starts at the first page. */
  cursor: string | null;
  /** Stop after this many pages (the activity also stops at its own time budget). */
  maxPages: number;
}

export interface ProductPagesResult {
  cursor: string | null;
  done: boolean;
  counts: ProductsDownloadCounts;
}

export interface ProductsDownloadReport {
  /** Listings of the connection that link to no product (P-6), reported as a warning. */
  unlinkedListings: number;
}

export interface ProductsDownloadActivities {
  beginProductsDownload(connectionId: string): Promise<ProductsDownloadStart>;
  downloadProductPages(input: ProductPagesInput): Promise<ProductPagesResult>;
  finishProductsDownload(input: { connectionId: string; counts: ProductsDownloadCounts; startedAt: string; updatedSince: string | null }): Promise<ProductsDownloadReport>;
}

// What callers see (progress, summary, the progress query) lives in src/definitions.ts.

export interface ProductsDownloadInput {
  connectionId: string;
  /** Pages per activity call (default 100; each call also stops after its time budget). */
  pagesPerActivity?: number;
  /** Activity calls per run before continuing as new (default 25). */
  activitiesPerRun?: number;
  /** Set by the workflow itself when it continues as new; omit when starting. */
  carried?: CarriedRun;
}

interface CarriedRun {
  updatedSince: string | null;
  cursor: string | null;
  startedAt: string;
  counts: ProductsDownloadCounts;
}

const { beginProductsDownload, finishProductsDownload } = proxyActivities<ProductsDownloadActivities>(beginFinishOptions);
const { downloadProductPages } = proxyActivities<ProductsDownloadActivities>(pagesOptions);

/** Workflow id: `workflowIds.productsDownload(connectionId)` (src/definitions.ts). */
export async function productsDownloadWorkflow(input: ProductsDownloadInput): Promise<ProductsDownloadSummary> {
  return reportingRejectedCredentials(input.connectionId, 'products-download', () => download(input));
}

async function download(input: ProductsDownloadInput): Promise<ProductsDownloadSummary> {
  const { connectionId } = input;
  const progress: ProductsDownloadProgress = {
    connectionId,
    state: input.carried ? 'downloading' : 'starting',
    updatedSince: input.carried?.updatedSince ?? null,
    startedAt: input.carried?.startedAt ?? new Date().toISOString(),
    counts: input.carried?.counts ?? emptyCounts(),
  };
  setHandler(productsDownloadProgressQuery, () => progress);

  let run = input.carried;
  if (!run) {
    upsertSearchAttributes([{ key: searchAttributes.connectionId, value: connectionId }]);
    setCurrentDetails('reading the connection and its products cursor');
    const start = await beginProductsDownload(connectionId);
    upsertSearchAttributes([
      { key: searchAttributes.channel, value: start.channel },
      { key: searchAttributes.storeName, value: start.storeName },
    ]);
    if (!start.enabled) return finished(progress, 'skipped', start.reason, 0);
    run = { updatedSince: start.updatedSince, cursor: null, startedAt: progress.startedAt, counts: progress.counts };
    progress.updatedSince = start.updatedSince;
  }
  progress.state = 'downloading';
  setCurrentDetails(details(progress));

  const pagesPerActivity = input.pagesPerActivity ?? DEFAULT_PAGES_PER_ACTIVITY;
  const activitiesPerRun = input.activitiesPerRun ?? DEFAULT_ACTIVITIES_PER_RUN;
  for (let calls = 0; ; calls++) {
    if (calls >= activitiesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof productsDownloadWorkflow>({ ...input, carried: run });
    }
    const result: ProductPagesResult = await downloadProductPages({ connectionId, updatedSince: run.updatedSince, cursor: run.cursor, maxPages: pagesPerActivity });
    run = { ...run, cursor: result.cursor, counts: addCounts(run.counts, result.counts) };
    progress.counts = run.counts;
    setCurrentDetails(details(progress));
    await reportToParent(progress.counts);
    if (result.done) break;
  }

  progress.state = 'finishing';
  const report = await finishProductsDownload({ connectionId, counts: run.counts, startedAt: run.startedAt, updatedSince: run.updatedSince });
  return finished(progress, 'completed', null, report.unlinkedListings);
}

/** C-3: the connection workflow shows the initial import's progress; a scheduled run has no parent. */
async function reportToParent(counts: ProductsDownloadCounts): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(importProgressSignal, { stream: 'products', done: counts.productsSeen, total: null });
  } catch (error) {
    log.warn('could not report import progress to the parent workflow', { error: String(error) });
  }
}

function details(p: ProductsDownloadProgress): string {
  const scope = p.updatedSince ? `changes since ${p.updatedSince}` : 'whole catalogue';
  return `${p.state} (${scope}): ${describeCounts(p.counts)}`;
}

function finished(
  progress: ProductsDownloadProgress,
  state: 'completed' | 'skipped',
  reason: string | null,
  unlinkedListings: number,
): ProductsDownloadSummary {
  progress.state = state;
  setCurrentDetails(state === 'skipped' ? `skipped: ${reason ?? ''}` : `${details(progress)}; ${unlinkedListings} unlinked listings`);
  return { ...progress, state, reason, unlinkedListings, finishedAt: new Date().toISOString() };
}
