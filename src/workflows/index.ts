/**
 * Every workflow the Storelink worker runs, re-exported for the bundle. Workflows import only
 * @temporalio/workflow, src/domain and src/definitions (enforced by ESLint).
 */
export { connectionWorkflow } from './connection';
export { orderWorkflow } from './order';
export { orderRefreshWorkflow } from './order-refresh';
export { ordersDownloadWorkflow } from './orders-download';
export { productsDownloadWorkflow } from './products-download';
export { inventoryWorkflow } from './inventory';
export { inventoryReconcileWorkflow } from './inventory-reconcile';
