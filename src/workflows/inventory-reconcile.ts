// inventoryReconcileWorkflow (SPEC §7 I-7), id `inventory-reconcile:{connectionId}`, from the
// connection's hourly schedule and on demand ("run now"). One activity reads the store's
// quantities page by page (heartbeating its place) and compares each with what the store should
// show; what differs is marked for the inventory loop, which corrects it with the same
// compare-and-swap pushes as any change, so one writer per store stays the rule.
import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { InventoryReconcileSummary } from '../definitions';
import { reportingRejectedCredentials } from './paged-download';

export interface InventoryReconcileActivities {
  reconcileInventory(input: { connectionId: string }): Promise<InventoryReconcileSummary>;
}

const reconcile = proxyActivities<InventoryReconcileActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export async function inventoryReconcileWorkflow(input: { connectionId: string }): Promise<InventoryReconcileSummary> {
  const { connectionId } = input;
  setCurrentDetails('Reading the store’s quantities…');
  const summary = await reportingRejectedCredentials(connectionId, 'inventory reconcile', () => reconcile.reconcileInventory({ connectionId }));
  setCurrentDetails(describeReconcile(summary));
  return summary;
}

export function describeReconcile(summary: InventoryReconcileSummary): string {
  if (summary.state === 'skipped') return `**Inventory reconcile** skipped: ${summary.reason ?? 'nothing to do'}`;
  const lines = [`**Inventory reconcile**: read ${summary.read} quantities, ${summary.drifted} differed from what the store should show and were handed to the inventory loop`];
  for (const d of summary.examples) lines.push(`- ${d.sku} at ${d.channelLocationId}: store showed ${d.channel}, should be ${d.expected}`);
  return lines.join('\n\n');
}
