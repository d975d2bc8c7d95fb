import { PermanentError } from '../channels';
import type { ConnectionRow } from '../db/repositories/connections';
import { type ConnectionSettings, parseConnectionSettings } from '../domain/connection-settings';

/** What every activity of a connection reads from its row: its settings, and the name ops know it by. */
export { storeNameOf } from '../db/repositories/connections';

/** Stored settings with their defaults; stored settings were validated on the way in, so a failure here is a bug or a hand edit. */
export function storedSettings(row: ConnectionRow): ConnectionSettings {
  const parsed = parseConnectionSettings(row.settings, { channel: row.channel, setupCompleted: row.status === 'completed' });
  if (!parsed.ok) {
    throw new PermanentError(`stored settings of connection ${row.id} are invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
  return parsed.settings;
}
