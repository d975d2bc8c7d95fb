// What a workflow of a connection tells the connection workflow (C-5): shared by every stream.
import { ActivityFailure, ApplicationFailure, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { credentialsRejectedSignal, workflowIds } from '../definitions';

export function isAuthFailure(error: unknown): error is ActivityFailure & { cause: ApplicationFailure } {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'auth';
}

/** C-5: the connection workflow halts sync and asks for new credentials; it may not run (tests, disconnect). */
export async function tellConnectionCredentialsRejected(connectionId: string, message: string, source: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowIds.connection(connectionId)).signal(credentialsRejectedSignal, { message, source });
  } catch (signalError) {
    log.warn('connection workflow not told about rejected credentials', { connectionId, error: String(signalError) });
  }
}

