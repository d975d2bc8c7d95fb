import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activities/connections';
import {
  awaitCredentialsCheckUpdate,
  connectionStateQuery,
  type ConnectionWorkflowInput,
  credentialsRejectedSignal,
  disconnectUpdate,
  finishSetupUpdate,
  importProgressSignal,
  rotateCredentialsUpdate,
  runStreamNowUpdate,
  searchAttributes,
  setActiveUpdate,
  updateSettingsUpdate,
  workflowIds,
} from '../definitions';
import { parseConnectionSettings } from '../domain/connection-settings';
import { type ConnectionView, describeConnection, emptyImportProgress, finishBlockedBecause, syncsNow } from '../domain/connection-lifecycle';
import { ordersDownloadWorkflow } from './orders-download';
import { productsDownloadWorkflow } from './products-download';

/**
 * One per store connection (`connection:{connectionId}`), for the connection's whole life
 * (SPEC §3): validates credentials, runs the initial import, owns the connection's schedules, and
 * reacts to operators through updates whose validators answer synchronously. Carries ids and
 * status only — credentials stay in the database and are read by activities.
 */

/** E-4: how often an idle connection checks that its downloads still complete. */
const HEALTH_CHECK_EVERY = '10 minutes';

const quick = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const channelCalls = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export async function connectionWorkflow(input: ConnectionWorkflowInput): Promise<ConnectionView> {
  const { connectionId, channel } = input;
  const view: ConnectionView = input.carried ?? {
    connectionId,
    channel,
    displayName: input.displayName,
    status: 'validating',
    active: input.active,
    storeName: null,
    statusReason: null,
    credentialsValid: false,
    setupCompleted: false,
    importProgress: emptyImportProgress(),
  };
  let importRequested = false;
  let authFailure: { message: string; source: string } | null = null;
  let importScope: CancellationScope | null = null;
  let busy = false;

  /** Handlers that run activities take turns, so two operators never interleave half-changes. */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  /** Callers change the status last, so whoever sees a status finds its events and schedules in place. */
  async function setStatus(status: ConnectionView['status'], reason: string | null = null): Promise<void> {
    view.status = status;
    view.statusReason = reason;
    await persist();
  }

  /** The connections row mirrors this workflow's state, for listings and the API. */
  async function persist(): Promise<void> {
    publish();
    await quick.recordConnectionStatus({ connectionId, status: view.status, statusReason: view.statusReason, active: view.active });
  }

  function publish(): void {
    setCurrentDetails(describeConnection(view));
  }

  /** Schedules exist once setup completed; they run only while the connection is active and completed (C-4). */
  async function alignSchedules(note: string): Promise<void> {
    if (!view.setupCompleted) return;
    await quick.setSchedulesPaused({ connectionId, paused: !(view.active && view.status === 'completed'), note });
  }

  async function checkCredentials(slot: 'active' | 'pending'): Promise<{ ok: true } | { ok: false; reason: string }> {
    const result = await channelCalls.checkCredentials({ connectionId, slot });
    if (!result.ok) return result;
    view.storeName = result.storeName;
    view.credentialsValid = true;
    upsertSearchAttributes([{ key: searchAttributes.storeName, value: view.displayName ?? result.storeName }]);
    return { ok: true };
  }

  setHandler(connectionStateQuery, () => view);

  setHandler(importProgressSignal, ({ stream, done, total }) => {
    view.importProgress[stream] = { ...view.importProgress[stream], done, total };
    publish();
  });

  setHandler(credentialsRejectedSignal, (failure) => {
    // C-5: halt once; further rejections from other runs change nothing until rotation.
    if (view.status !== 'action_required' && view.status !== 'disconnected') authFailure ??= failure;
  });

  setHandler(awaitCredentialsCheckUpdate, async () => {
    await condition(() => view.status !== 'validating');
    return view;
  });

  setHandler(
    finishSetupUpdate,
    async () => {
      importRequested = true;
      view.status = 'importing';
      view.importProgress = emptyImportProgress();
      publish();
      return view;
    },
    {
      validator: () => {
        const blocked = finishBlockedBecause(view);
        if (blocked) throw new Error(blocked);
      },
    },
  );

  setHandler(
    updateSettingsUpdate,
    (settings) =>
      exclusive(async () => {
        await quick.saveSettings({ connectionId, settings, setupCompleted: view.status === 'completed' });
        if (view.setupCompleted) await quick.ensureSchedules({ connectionId, paused: !(view.active && view.status === 'completed') });
        return view;
      }),
    {
      validator: (settings) => {
        if (view.status === 'disconnected') throw new Error('connection is disconnected');
        const parsed = parseConnectionSettings(settings, { channel, setupCompleted: view.status === 'completed' });
        if (!parsed.ok) {
          throw ApplicationFailure.create({
            type: 'InvalidSettings',
            message: parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
            details: [parsed.problems],
          });
        }
      },
    },
  );

  setHandler(
    rotateCredentialsUpdate,
    () =>
      exclusive(async () => {
        const result = await checkCredentials('pending');
        if (!result.ok) {
          await quick.discardPendingCredentials({ connectionId });
          throw ApplicationFailure.create({ type: 'InvalidCredentials', message: result.reason, nonRetryable: true });
        }
        await quick.promotePendingCredentials({ connectionId });
        authFailure = null;
        if (view.status === 'action_required' || view.status === 'validating') {
          await quick.recordConnectionEvent({ connectionId, severity: 'info', code: 'credentials_rotated', message: 'new credentials validated; sync resumes' });
          await setStatus(view.setupCompleted ? 'completed' : 'draft');
          await alignSchedules('credentials rotated');
          // Catch up at once from the cursors instead of waiting for the next interval.
          if (view.setupCompleted && view.active) await quick.triggerSchedules({ connectionId });
        }
        return view;
      }),
    {
      validator: () => {
        if (view.status === 'disconnected') throw new Error('connection is disconnected');
        if (view.status === 'importing') throw new Error('wait for the initial import to finish before rotating credentials');
      },
    },
  );

  setHandler(
    setActiveUpdate,
    (active) =>
      exclusive(async () => {
        const wasActive = view.active;
        view.active = active;
        await persist();
        await alignSchedules(active ? 'activated' : 'deactivated');
        // C-4: reactivating catches up from the cursors at once, not at the next interval.
        if (patched('reactivate-catches-up') && active && !wasActive && syncsNow(view)) await quick.triggerSchedules({ connectionId });
        return view;
      }),
    {
      validator: (_active) => {
        if (view.status === 'disconnected') throw new Error('connection is disconnected');
      },
    },
  );

  setHandler(
    disconnectUpdate,
    () => {
      importScope?.cancel();
      importRequested = false;
      return exclusive(async () => {
        await quick.deleteSchedules({ connectionId });
        await quick.recordConnectionEvent({ connectionId, severity: 'info', code: 'disconnected', message: 'connection disconnected: schedules deleted, data kept for audit' });
        await setStatus('disconnected', 'disconnected by an operator');
        return view;
      });
    },
    {
      validator: () => {
        if (view.status === 'disconnected') throw new Error('connection is already disconnected');
      },
    },
  );

  setHandler(
    runStreamNowUpdate,
    (stream) =>
      exclusive(async () => {
        await quick.triggerSchedules({ connectionId, stream });
        return view;
      }),
    {
      validator: (_stream) => {
        if (view.status !== 'completed') throw new Error(`streams run only on a completed connection (this one is ${view.status})`);
        if (!view.active) throw new Error('connection is inactive: activate it first');
      },
    },
  );

  async function runInitialImport(): Promise<void> {
    importScope = new CancellationScope(); // disconnect cancels everything below
    try {
      await importScope.run(async () => {
        await setStatus('importing');
        const settings = await quick.loadSettings({ connectionId });
        if (settings.downloadProducts) {
          const summary = await executeChild(productsDownloadWorkflow, {
            workflowId: workflowIds.productsDownload(connectionId),
            args: [{ connectionId }],
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
            staticSummary: `Initial product import of connection ${connectionId}`,
          });
          view.importProgress.products = { done: summary.counts.productsSeen, total: summary.counts.productsSeen, finished: true };
        } else {
          view.importProgress.products.finished = true;
        }
        publish();
        if (patched('initial-import-downloads-orders')) {
          // C-3: open orders of the lookback window are imported (each becomes an order workflow).
          const orders = await executeChild(ordersDownloadWorkflow, {
            workflowId: workflowIds.ordersDownload(connectionId),
            args: [{ connectionId, mode: { kind: 'lookback' } }],
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
            staticSummary: `Initial order import of connection ${connectionId}`,
          });
          const done = orders.counts.imported + orders.counts.updated + orders.counts.unchanged;
          view.importProgress.orders = { done, total: done, finished: true };
        } else {
          const openOrders = await channelCalls.countOpenOrders({ connectionId });
          view.importProgress.orders = { done: openOrders, total: openOrders, finished: true };
        }
      });
    } catch (error) {
      if (isCancellation(error)) return; // disconnected meanwhile
      await exclusive(async () => {
        if (view.status === 'disconnected') return;
        const auth = authFailureIn(error);
        if (auth) {
          await quick.recordConnectionEvent({ connectionId, severity: 'error', code: 'credentials_rejected', message: auth, category: 'auth' });
          await setStatus('action_required', auth);
        } else {
          const reason = rootMessage(error);
          await quick.recordConnectionEvent({ connectionId, severity: 'error', code: 'initial_import_failed', message: `initial import failed: ${reason}` });
          await setStatus('import_failed', reason);
        }
      });
      return;
    } finally {
      importScope = null;
    }
    // Taking turns with disconnect: a connection disconnected at this moment gets no schedules.
    await exclusive(async () => {
      if (view.status === 'disconnected') return;
      view.setupCompleted = true;
      await quick.ensureSchedules({ connectionId, paused: !view.active });
      await quick.recordConnectionEvent({
        connectionId,
        severity: 'info',
        code: 'initial_import_completed',
        message: `initial import completed: ${view.importProgress.products.done} products, ${view.importProgress.orders.done} open orders in the lookback window`,
      });
      await setStatus('completed');
    });
  }

  async function haltForRejectedCredentials(failure: { message: string; source: string }): Promise<void> {
    // The status changes last: whoever sees action_required finds the schedules paused and the event written.
    if (view.setupCompleted) await quick.setSchedulesPaused({ connectionId, paused: true, note: 'credentials rejected' });
    await quick.recordConnectionEvent({
      connectionId,
      severity: 'error',
      category: 'auth',
      code: 'credentials_rejected',
      message: `the channel rejected the credentials (${failure.source}): ${failure.message}. Sync is paused until credentials are rotated.`,
    });
    await setStatus('action_required', failure.message);
  }

  publish();
  if (!input.carried) {
    const result = await checkCredentials('active');
    await setStatus(result.ok ? 'draft' : 'action_required', result.ok ? null : result.reason);
  }

  const checksHealth = patched('sync-health-check');
  for (;;) {
    const wake = () => importRequested || authFailure !== null || view.status === 'disconnected' || workflowInfo().continueAsNewSuggested;
    if (checksHealth) {
      // E-4: a timer, not a poll of the channel: every so often ask whether downloads still complete.
      if (!(await condition(wake, HEALTH_CHECK_EVERY)) && syncsNow(view)) await quick.checkSyncHealth({ connectionId });
    } else {
      await condition(wake);
    }
    if (view.status === 'disconnected') break;
    if (authFailure) {
      const failure = authFailure;
      authFailure = null;
      // An import that failed on the same credentials has already halted and reported.
      if (view.status !== 'action_required') await exclusive(() => haltForRejectedCredentials(failure));
    }
    if (importRequested) {
      importRequested = false;
      // Not exclusive: operators may deactivate, change settings or disconnect (which cancels it) meanwhile.
      await runInitialImport();
    }
    if (workflowInfo().continueAsNewSuggested && !importRequested && authFailure === null) {
      await condition(allHandlersFinished);
      log.info('continuing as new to keep history small', { connectionId });
      await continueAsNew<typeof connectionWorkflow>({ ...input, active: view.active, carried: view });
    }
  }
  await condition(allHandlersFinished);
  return view;
}

/** The channel's message when a failure chain ends in an `auth` activity failure (C-5). */
function authFailureIn(error: unknown): string | null {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof ApplicationFailure && current.type === 'auth') return current.message;
    if (!(current instanceof ActivityFailure || current instanceof ChildWorkflowFailure || current instanceof ApplicationFailure)) break;
  }
  return null;
}

function rootMessage(error: unknown): string {
  let current = error as { cause?: unknown; message?: string };
  while (current.cause) current = current.cause as { cause?: unknown; message?: string };
  return current.message ?? String(error);
}
