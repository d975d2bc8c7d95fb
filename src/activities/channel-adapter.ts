import type { Logger } from 'pino';
import { AuthError, createShopifyAdapter, PermanentError, type ChannelAdapter } from '../channels';
import { describeIssues } from '../channels/issues';
import type { Database } from '../db/client';
import { CredentialsNotFoundError, loadCredentials, type CredentialSlot } from '../db/repositories/credentials';
import { findConnection, type ConnectionRow } from '../db/repositories/connections';
import { shopifyCredentialsSchema } from '../domain/credentials';
import type { SecretBox } from '../security/secret-box';

/**
 * Connection id → a ready channel adapter: loads the connection row and its sealed credentials
 * (never passed through Temporal, SPEC §9) and builds the adapter of the connection's channel.
 * Problems with the stored credentials are AuthErrors, so activities report them like any
 * rejected credentials (the connection needs action).
 */

export type { ConnectionRow } from '../db/repositories/connections';

export interface ChannelAdapterDeps {
  db: Database;
  secrets: SecretBox;
  log?: Logger;
}

/** Adapter tuning an activity chooses so one channel call fits inside its heartbeat timeout. */
export interface AdapterTuning {
  maxThrottleWaitMs?: number;
  requestTimeoutMs?: number;
}

export async function loadConnection(db: Database, connectionId: string): Promise<ConnectionRow> {
  const row = await findConnection(db, connectionId);
  if (!row) throw new PermanentError(`connection ${connectionId} does not exist`);
  return row;
}

export interface AdapterOptions extends AdapterTuning {
  /** `pending`: rotated credentials being validated (C-2); default the active ones. */
  slot?: CredentialSlot;
}

/** By id, for callers that hold no connection row (e.g. the connection activities' openAdapter). */
export async function openChannelAdapter(deps: ChannelAdapterDeps, connectionId: string, options: AdapterOptions = {}): Promise<ChannelAdapter> {
  return channelAdapterFor(deps, await loadConnection(deps.db, connectionId), options);
}

export async function channelAdapterFor(deps: ChannelAdapterDeps, connection: ConnectionRow, options: AdapterOptions = {}): Promise<ChannelAdapter> {
  const { slot = 'active', ...tuning } = options;
  const stored = await storedCredentials(deps, connection.id, slot);
  switch (connection.channel) {
    case 'shopify': {
      const parsed = shopifyCredentialsSchema.safeParse(stored);
      // Issue paths name fields only, never values: the message may be logged.
      if (!parsed.success) throw new AuthError(`stored Shopify credentials of connection ${connection.id} are incomplete: ${describeIssues(parsed.error)}`);
      const { baseUrl, ...credentials } = parsed.data;
      return createShopifyAdapter({
        credentials,
        baseUrl,
        logger: deps.log?.child({ connectionId: connection.id, channel: 'shopify' }),
        ...tuning,
      });
    }
    default:
      throw new PermanentError(`Storelink has no ${connection.channel} adapter yet`);
  }
}

async function storedCredentials(deps: ChannelAdapterDeps, connectionId: string, slot: CredentialSlot): Promise<unknown> {
  try {
    return await loadCredentials(deps.db, deps.secrets, connectionId, slot);
  } catch (error) {
    if (error instanceof CredentialsNotFoundError) throw new AuthError(`${error.message}: enter the store's credentials`);
    throw error;
  }
}
