/**
 * Every workflow the Storelink worker runs, re-exported for the bundle. Workflows import only
 * @temporalio/workflow, src/domain and src/definitions (enforced by ESLint).
 *
 * The connection, order-download, order, product-download and inventory workflows land here with
 * their issues; until then the worker runs with none registered.
 */
export {};
