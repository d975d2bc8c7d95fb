import type { Client } from '@temporalio/client';
import { requiredSearchAttributes } from '../definitions';

/**
 * Workflows set these search attributes; a namespace without them would fail every workflow task.
 * Checked at worker start-up so the message says what to register instead.
 */
export async function assertSearchAttributesRegistered(client: Client): Promise<void> {
  const namespace = client.options.namespace;
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const registered = customAttributes ?? {};
  const missing = requiredSearchAttributes.filter((key) => !(key.name in registered));
  if (missing.length > 0) {
    const commands = missing
      .map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type Keyword`)
      .join('\n  ');
    throw new Error(`Namespace ${namespace} lacks the search attributes ${missing.map((k) => k.name).join(', ')}. Register them:\n  ${commands}`);
  }
}
