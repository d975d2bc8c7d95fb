import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { AuthError, ChannelError, type ChannelAdapter } from '../channels';
import type { Database } from '../db/client';
import {
  findLiveConnectionToStore,
  getConnection,
  recordStoreIdentity,
  saveConnectionSettings,
  updateConnectionState,
} from '../db/repositories/connections';
import { type CredentialSlot, credentialsExpiryOf, discardPendingCredentials, promotePendingCredentials } from '../db/repositories/credentials';
import { lastEventAt, recordEvent, resolveEventGroups } from '../db/repositories/integration-events';
import type { SyncStream } from '../domain/connection-lifecycle';
import { capabilitiesNeededBy, type ConnectionSettings, inventoryInputsChanged, parseConnectionSettings } from '../domain/connection-settings';
import { toActivityFailure } from './channel-failures';
import { storedSettings, storeNameOf } from './connection-context';
import { checkInventoryLoop } from './inventory-health';
import { staleDownloadGroupKey } from './orders-download';

export const credentialsErrorGroupKey = (connectionId: string) => `connection:credentials-rejected:${connectionId}`;
const EXPIRY_WARNING_DAYS = [30, 7, 1] as const;
const credentialsExpiryGroupKey = (connectionId: string, days: number) => `connection:credentials-expiring:${connectionId}:${days}`;
import {
  deleteConnectionSchedules,
  ensureConnectionSchedules,
  setConnectionSchedulesPaused,
  StreamNotScheduledError,
  triggerConnectionSchedules,
} from '../temporal/schedules';
import { connectionInventoryChanged } from '../temporal/inventory-workflows';

export interface ConnectionActivityDependencies {
  db: Database;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  inventoryCoalesceMs?: number;
  /** E-4: how long the health check gives a wake-up in flight before it calls the loop stuck (default 10 s) */
  inventoryWakeGraceMs?: number;
  /** builds the connection's channel adapter from its stored (active or pending) credentials */
  openAdapter(connectionId: string, slot?: CredentialSlot): Promise<ChannelAdapter>;
}

export type CredentialsCheck = { ok: true; storeName: string } | { ok: false; reason: string };

/** How many days back the initial import looks for open orders (settings.orderFilters.lookbackDays). */
const DAY_MS = 24 * 60 * 60 * 1000;

export function createConnectionActivities(deps: ConnectionActivityDependencies) {
  const { db } = deps;

  async function settingsOf(connectionId: string): Promise<{ settings: ConnectionSettings; row: Awaited<ReturnType<typeof getConnection>> }> {
    const row = await getConnection(db, connectionId);
    return { settings: storedSettings(row), row };
  }

  /** E-4: an order download should complete at least every 3 intervals. */
  async function checkOrderDownloads(row: Awaited<ReturnType<typeof getConnection>>, settings: ConnectionSettings): Promise<{ stalled: boolean }> {
    const connectionId = row.id;
    const limitMs = 3 * settings.schedules.ordersEveryMinutes * 60_000;
    const last = await lastEventAt(db, connectionId, 'orders_download_completed');
    const since = last ?? row.updatedAt;
    if (Date.now() - since.getTime() <= limitMs) return { stalled: false };
    await recordEvent(db, {
      connectionId,
      stream: 'orders',
      entityType: 'connection',
      entityId: connectionId,
      severity: 'error',
      category: 'transient',
      code: 'orders_download_stalled',
      message: `no order download has completed since ${since.toISOString()} (more than 3 × the ${settings.schedules.ordersEveryMinutes}-minute interval): check the orders schedule and the worker in the Temporal Web UI`,
      groupKey: staleDownloadGroupKey(connectionId),
    });
    return { stalled: true };
  }

  /** C-5: an expiry the channel told us (Amazon: 12 months) is announced at 30, 7 and 1 days, once each. */
  async function warnOfCredentialExpiry(connectionId: string): Promise<void> {
    const expiresAt = await credentialsExpiryOf(db, connectionId);
    if (!expiresAt) return;
    const daysLeft = (expiresAt.getTime() - Date.now()) / 86_400_000;
    const threshold = [...EXPIRY_WARNING_DAYS].reverse().find((days) => daysLeft <= days);
    if (threshold === undefined) return;
    const when = daysLeft <= 0 ? 'expired' : `expire in ${Math.ceil(daysLeft)} day${Math.ceil(daysLeft) === 1 ? '' : 's'}`;
    await recordEvent(db, {
      connectionId,
      stream: null,
      entityType: 'connection',
      entityId: connectionId,
      severity: 'warning',
      category: 'auth',
      code: 'credentials_expiring',
      message: `the store's authorization will ${when} (${expiresAt.toISOString()}): authorize Storelink again and rotate the credentials before then, or sync stops`,
      details: { expiresAt: expiresAt.toISOString(), threshold },
      groupKey: credentialsExpiryGroupKey(connectionId, threshold),
    });
  }

  return {
    /**
     * C-2/C-7: do the credentials authenticate, grant every scope the settings need, and belong to
     * a store no other live connection has? Expected refusals are a result, not a failure.
     */
    async checkCredentials({ connectionId, slot }: { connectionId: string; slot: CredentialSlot }): Promise<CredentialsCheck> {
      const { settings, row } = await settingsOf(connectionId);
      let adapter: ChannelAdapter;
      try {
        adapter = await deps.openAdapter(connectionId, slot);
      } catch (error) {
        if (error instanceof ChannelError) return { ok: false, reason: error.message };
        throw error;
      }
      try {
        const check = await adapter.checkConnection(capabilitiesNeededBy(settings));
        if (check.missingScopes.length > 0) {
          const scopes = [...new Set(check.missingScopes.map((m) => m.scope))];
          return { ok: false, reason: `the credentials lack access scopes: ${scopes.join(', ')}` };
        }
        const { storeKey, storeName } = check.identity;
        const other = await findLiveConnectionToStore(db, row.channel, storeKey, connectionId);
        if (other) {
          return {
            ok: false,
            reason: `${storeKey} is already connected as connection ${other.id} (${other.displayName ?? other.storeName ?? storeKey}); two connections would download every order twice`,
          };
        }
        await recordStoreIdentity(db, connectionId, storeKey, storeName);
        return { ok: true, storeName };
      } catch (error) {
        if (error instanceof AuthError) return { ok: false, reason: error.message };
        throw toActivityFailure(error);
      }
    },

    async promotePendingCredentials({ connectionId }: { connectionId: string }): Promise<void> {
      await promotePendingCredentials(db, connectionId);
    },

    async discardPendingCredentials({ connectionId }: { connectionId: string }): Promise<void> {
      await discardPendingCredentials(db, connectionId);
    },

    async recordConnectionStatus(input: {
      connectionId: string;
      status: Awaited<ReturnType<typeof getConnection>>['status'];
      statusReason: string | null;
      active: boolean;
    }): Promise<void> {
      await updateConnectionState(db, input.connectionId, { status: input.status, statusReason: input.statusReason, active: input.active });
    },

    async recordConnectionEvent(input: {
      connectionId: string;
      severity: 'info' | 'warning' | 'error';
      code: string;
      message: string;
      category?: 'transient' | 'data' | 'auth' | 'permanent';
    }): Promise<void> {
      const { connectionId, severity, code, message, category } = input;
      // C-5/E-2: one open credentials error per connection, resolved by the rotation that fixes it.
      const credentialsGroup = credentialsErrorGroupKey(connectionId);
      const groupKey = code === 'credentials_rejected' ? credentialsGroup : null;
      await recordEvent(db, { connectionId, stream: null, entityType: 'connection', entityId: connectionId, severity, category, code, message, groupKey });
      if (code === 'credentials_rotated') await resolveEventGroups(db, [credentialsGroup, ...EXPIRY_WARNING_DAYS.map((days) => credentialsExpiryGroupKey(connectionId, days))]);
    },

    /**
     * E-4: a silent stall is an error too. An active, completed connection whose last completed
     * order download is older than 3× its interval gets one open health error (resolved by the
     * next completed download, see finishOrdersDownload).
     */
    async checkSyncHealth({ connectionId }: { connectionId: string }): Promise<{ stalled: boolean }> {
      const { settings, row } = await settingsOf(connectionId);
      await warnOfCredentialExpiry(connectionId);
      if (!row.active || row.status !== 'completed') return { stalled: false };
      const inventory = settings.syncInventory ? await checkInventoryLoop(deps, row) : { stalled: false };
      const orders = settings.downloadOrders ? await checkOrderDownloads(row, settings) : { stalled: false };
      return { stalled: inventory.stalled || orders.stalled };
    },

    async loadSettings({ connectionId }: { connectionId: string }): Promise<ConnectionSettings> {
      return (await settingsOf(connectionId)).settings;
    },

    async saveSettings({ connectionId, settings, setupCompleted }: { connectionId: string; settings: unknown; setupCompleted: boolean }): Promise<void> {
      const row = await getConnection(db, connectionId);
      const parsed = parseConnectionSettings(settings, { channel: row.channel, setupCompleted });
      if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')); // the update validator already refused these
      const before = storedSettings(row);
      await saveConnectionSettings(db, connectionId, parsed.settings);
      // I-3: a change of what every quantity is computed from recomputes the whole store (turning sync on does not: I-3).
      if (before.syncInventory && parsed.settings.syncInventory && inventoryInputsChanged(before, parsed.settings)) {
        await connectionInventoryChanged(deps, connectionId, 'inventory settings changed');
      }
    },

    /** C-3 orders step: counts the open orders in the lookback window (their import lands with the orders issue). */
    async countOpenOrders({ connectionId }: { connectionId: string }): Promise<number> {
      const { settings } = await settingsOf(connectionId);
      if (!settings.downloadOrders) return 0;
      const adapter = await deps.openAdapter(connectionId);
      if (!adapter.fetchOrdersPage) return 0;
      const now = Date.now();
      const window = { updatedFrom: new Date(now - settings.orderFilters.lookbackDays * DAY_MS).toISOString(), updatedTo: new Date(now).toISOString() };
      const statuses = new Set<string>(settings.orderFilters.fulfillmentStatuses);
      let cursor: string | null = null;
      let open = 0;
      try {
        do {
          const page = await adapter.fetchOrdersPage({ ...window, cursor });
          open += page.items.filter((order) => order.cancelledAt === null && statuses.has(order.fulfillmentStatus)).length;
          cursor = page.nextCursor;
          heartbeat({ open });
        } while (cursor);
      } catch (error) {
        throw toActivityFailure(error);
      }
      return open;
    },

    async ensureSchedules({ connectionId, paused }: { connectionId: string; paused: boolean }): Promise<void> {
      const { settings, row } = await settingsOf(connectionId);
      await ensureConnectionSchedules(
        deps.temporal,
        { connectionId, channel: row.channel, storeName: storeNameOf(row), taskQueue: deps.taskQueue, settings },
        paused,
      );
    },

    async setSchedulesPaused({ connectionId, paused, note }: { connectionId: string; paused: boolean; note: string }): Promise<void> {
      await setConnectionSchedulesPaused(deps.temporal, connectionId, paused, note);
    },

    async triggerSchedules({ connectionId, stream }: { connectionId: string; stream?: SyncStream }): Promise<void> {
      try {
        await triggerConnectionSchedules(deps.temporal, connectionId, stream ? [stream] : undefined);
      } catch (error) {
        if (error instanceof StreamNotScheduledError) throw ApplicationFailure.create({ type: 'StreamNotScheduled', message: error.message, nonRetryable: true });
        throw error;
      }
    },

    async deleteSchedules({ connectionId }: { connectionId: string }): Promise<void> {
      await deleteConnectionSchedules(deps.temporal, connectionId);
    },
  };
}

export type ConnectionActivities = ReturnType<typeof createConnectionActivities>;
