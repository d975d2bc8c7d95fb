// inventoryWorkflow (SPEC §7 I-3, I-6), id `inventory:{connectionId}`: one loop per connection
// with inventory sync on. It holds no quantities — the database does (dirty generations per
// listing, what the store holds per location). A signal says "something changed"; the loop waits
// the coalescing window so a burst becomes one push, then one activity pushes every dirty listing
// at the store's rate limit and reports. Idle, it costs nothing: no timers unless a stale push
// waits for pending orders. Started by signal-with-start from whoever marks listings dirty, so it
// exists exactly while there is something to do or to report; turning sync off ends it.
import { allHandlersFinished, condition, continueAsNew, log, proxyActivities, setCurrentDetails, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import {
  emptyInventoryView,
  type InventoryBacklog,
  type InventoryLoopState,
  inventoryDirtySignal,
  type InventoryPushReport,
  inventoryStateQuery,
  type InventoryView,
  type InventoryWorkflowInput,
} from '../definitions';
import { isAuthFailure } from './connection-signals';
import { reportingRejectedCredentials } from './paged-download';

// ---- contract with the activities (src/activities/inventory.ts implements it)

export type InventoryPushOutcome =
  | { kind: 'pushed'; report: InventoryPushReport; backlog: InventoryBacklog }
  /** connection inactive or not completed: dirty listings wait for the next wake-up */
  | { kind: 'paused'; reason: string; backlog: InventoryBacklog }
  /** inventory sync is off: the loop ends */
  | { kind: 'sync_off'; reason: string };

export interface InventoryActivities {
  pushDirtyInventory(input: { connectionId: string }): Promise<InventoryPushOutcome>;
}

// One call pushes a bounded slice (see the activity) and heartbeats after every mutation, paced
// by the store's cost bucket; a throttled or failed call is retried and loses nothing, because
// listings stay dirty until a push settles them.
const push = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** A burst that never pauses is still pushed after this many coalescing windows. */
const MAX_COALESCE_WINDOWS = 5;

export async function inventoryWorkflow(input: InventoryWorkflowInput): Promise<InventoryView> {
  const { connectionId, coalesceMs } = input;
  const view = input.carried ?? emptyInventoryView(connectionId);
  // A fresh loop was started because something is dirty; a continued one carries its own wake-up.
  let woken = input.carried ? input.woken === true : true;

  let signals = 0;
  setHandler(inventoryDirtySignal, () => {
    woken = true;
    signals++;
  });
  setHandler(inventoryStateQuery, () => view);

  /**
   * I-3: waits until changes stop arriving for the window (a burst of posts becomes one push),
   * but no longer than a few windows, so a steady stream of changes is still pushed.
   */
  async function coalesce(): Promise<void> {
    for (let window = 1; ; window++) {
      const seen = signals;
      await sleep(coalesceMs);
      if (signals === seen || window >= MAX_COALESCE_WINDOWS) return;
    }
  }

  let published: InventoryLoopState | null = input.carried ? view.state : null;
  function publish(): void {
    if (view.state !== published) {
      view.stateSince = new Date().toISOString();
      published = view.state;
    }
    setCurrentDetails(describeInventoryLoop(view));
  }

  /** One push; rejected credentials pause the loop (the connection asks for new ones) instead of failing it. */
  async function pushOnce(): Promise<InventoryPushOutcome> {
    try {
      return await reportingRejectedCredentials(connectionId, 'inventory push', () => push.pushDirtyInventory({ connectionId }));
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      return { kind: 'paused', reason: `the store rejected the credentials: ${error.cause.message}`, backlog: view.backlog };
    }
  }

  let cyclesThisRun = 0;
  for (;;) {
    if (!woken) {
      view.state = view.state === 'paused' ? 'paused' : 'idle';
      publish();
      const retryIn = view.backlog.waiting > 0 ? view.backlog.nextRetryInMs : null;
      const wake = () => woken || workflowInfo().continueAsNewSuggested;
      if (retryIn === null) await condition(wake);
      else if (!(await condition(wake, Math.max(retryIn, 1)))) woken = true; // the stale wait is over
    }
    if (woken) {
      view.state = 'coalescing';
      publish();
      await coalesce();
      woken = false; // signals from here on wake the next cycle
      view.state = 'pushing';
      publish();
      const outcome = await pushOnce();
      if (outcome.kind === 'sync_off') {
        view.state = 'stopped';
        view.reason = outcome.reason;
        publish();
        break;
      }
      view.backlog = outcome.backlog;
      if (outcome.kind === 'paused') {
        view.state = 'paused';
        view.reason = outcome.reason;
      } else {
        view.state = 'idle';
        view.reason = null;
        view.lastPush = outcome.report;
        view.totals = {
          cycles: view.totals.cycles + 1,
          pushed: view.totals.pushed + outcome.report.pushed,
          mutations: view.totals.mutations + outcome.report.mutations,
        };
        if (outcome.backlog.ready > 0) woken = true; // more than one slice was dirty
      }
      publish();
    }
    if (workflowInfo().continueAsNewSuggested || ++cyclesThisRun >= (input.cyclesPerRun ?? Infinity)) {
      await condition(allHandlersFinished);
      log.info('continuing as new to keep history small', { connectionId });
      await continueAsNew<typeof inventoryWorkflow>({ ...input, carried: view, woken });
    }
  }
  await condition(allHandlersFinished);
  return view;
}

/** The Web UI's current details: what the loop does, its backlog and its last push. */
export function describeInventoryLoop(view: InventoryView): string {
  const lines = [`**Inventory loop**: ${view.state}${view.stateSince ? ` since ${view.stateSince}` : ''}${view.reason ? ` (${view.reason})` : ''}`];
  lines.push(`Backlog: ${view.backlog.ready} listings ready, ${view.backlog.waiting} waiting after a stale push`);
  const last = view.lastPush;
  if (last) {
    lines.push(
      `Last push ${last.at}: ${last.pushed} quantities in ${last.mutations} mutations, ${last.unchanged} unchanged, ${last.skipped} skipped, ${last.stale} stale, ${last.rejected} rejected`,
    );
  } else {
    lines.push('No push yet');
  }
  lines.push(`Since start: ${view.totals.pushed} quantities in ${view.totals.mutations} mutations over ${view.totals.cycles} cycles`);
  return lines.join('\n\n');
}
