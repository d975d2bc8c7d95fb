import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * With RECORD_HISTORIES=1 a workflow test saves the history of a finished scenario under
 * test/replay/histories, where test/replay/replay.test.ts replays it against every later version
 * of the code. Name a new recording after the code version; keep the old ones.
 */
export async function recordHistoryForReplay(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(path.join(__dirname, '..', 'replay', 'histories', `${name}.json`), historyToJSON(history));
}
