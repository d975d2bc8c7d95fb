import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requiredSearchAttributes } from '../../src/definitions';

/**
 * One real Temporal dev server for the whole run, from the same binary `npm start` uses
 * (TEMPORAL_CLI_PATH, set by scripts/test.mjs) — never a download. Test files reach it through
 * TEMPORAL_TEST_ADDRESS and each uses its own task queue.
 */
export default async function globalSetup(): Promise<void> {
  const executable = process.env.TEMPORAL_CLI_PATH;
  if (!executable) throw new Error('TEMPORAL_CLI_PATH is unset: run the tests with `npm test`, which installs the Temporal CLI first');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: executable },
      searchAttributes: requiredSearchAttributes,
      extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'],
    },
  });
  process.env.TEMPORAL_TEST_ADDRESS = env.address;
  process.env.TEMPORAL_TEST_NAMESPACE = env.namespace ?? 'default';
  (globalThis as { __temporalTestEnv?: TestWorkflowEnvironment }).__temporalTestEnv = env;
}
