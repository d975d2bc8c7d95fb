import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../../src/config';

/** The run's dev server (test/setup/global-setup.ts). */
export function testTemporalConfig(taskQueue: string): Config['temporal'] {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is unset: the jest global setup did not run');
  return { address, namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default', taskQueue };
}

/** A task queue of its own per test file, so files run in parallel on one server. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

export interface TestTemporal {
  client: Client;
  nativeConnection: NativeConnection;
  temporal: Config['temporal'];
  close(): Promise<void>;
}

export async function connectTestTemporal(taskQueue: string): Promise<TestTemporal> {
  const temporal = testTemporalConfig(taskQueue);
  const connection = await Connection.connect({ address: temporal.address });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  return {
    client: new Client({ connection, namespace: temporal.namespace }),
    nativeConnection,
    temporal,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}
