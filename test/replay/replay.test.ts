import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

/**
 * Recorded histories of running workflows must replay against the current code: a change that
 * would break a running workflow fails here before it ships (guard it with `patched()`).
 * Histories are recorded by the workflow tests with RECORD_HISTORIES=1.
 */
const folder = path.join(__dirname, 'histories');
const histories = fs.readdirSync(folder).filter((file) => file.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  it.each(histories)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')));
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history, file.replace(/\.json$/, ''));
  });
});
