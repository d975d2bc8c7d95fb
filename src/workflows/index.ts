/**
 * Every workflow the Storelink worker runs, re-exported for the bundle. Workflows import only
 * @temporalio/workflow, src/domain and src/definitions (enforced by ESLint).
 */
export { connectionWorkflow } from './connection';
export { productsDownloadWorkflow } from './products-download';
