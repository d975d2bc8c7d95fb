import type { Client } from '@temporalio/client';

/** Link to a workflow in the Temporal Web UI, so an operator goes from an API answer to its history in one click. */
export function workflowUrl(deps: { webUiUrl: string; temporal: Client }, workflowId: string): string {
  const base = deps.webUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
