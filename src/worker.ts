import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from './config';
import { temporalConnectionOptions } from './temporal/connection-options';

/** Written by `npm run build` (scripts/bundle-workflows.ts): a prebuilt bundle starts faster and uses less memory. */
export const workflowBundlePath = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface StorelinkWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** Workflows kept in memory between their steps (the SDK's default sizes it from the heap: ~930 MB RSS with 10,000 open orders). */
  maxCachedWorkflows?: number;
  /** defaults to the prebuilt bundle when present, otherwise bundles src/workflows at start */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
}

export async function connectWorkerConnection(temporal: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(temporal));
}

export async function createWorker(options: StorelinkWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflows ?? defaultWorkflowSource()),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    // On SIGINT/SIGTERM in-flight activities get this long to finish; what does not finish is
    // cancelled and retried by Temporal on another worker, so nothing is lost.
    shutdownGraceTime: '30s',
  });
}

function defaultWorkflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return fs.existsSync(workflowBundlePath)
    ? { workflowBundle: { codePath: workflowBundlePath } }
    : { workflowsPath: require.resolve('./workflows') };
}
