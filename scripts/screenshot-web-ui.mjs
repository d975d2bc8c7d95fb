// Screenshots of the Temporal Web UI for docs/img (run beside `npm start`; needs Debian's chromium):
//   node scripts/screenshot-web-ui.mjs <connectionId> "<store name>" [<order number>]
// What an operator sees: connections found by StoreName, one connection's summary and current
// details, its inventory loop (when it runs), and (with an order number) that order found by
// StoreName and OrderNumber.
import { chromium } from 'playwright-core';

const [connectionId, storeName, orderNumber] = process.argv.slice(2);
if (!connectionId || !storeName) {
  console.error('usage: node scripts/screenshot-web-ui.mjs <connectionId> "<store name>"');
  process.exit(2);
}
const ui = process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`StoreName="${storeName}"`)}`);
  const link = page.getByRole('link', { name: `connection:${connectionId}` }).first();
  await link.waitFor();
  await page.screenshot({ path: 'docs/img/web-ui-find-by-store-name.png' });

  await page.goto(new URL((await link.getAttribute('href')) ?? '', ui).toString());
  await page.getByText('User Metadata').first().click();
  await page.getByText('Current Details').first().waitFor();
  await page.screenshot({ path: 'docs/img/web-ui-connection-summary.png' });
  console.log('wrote docs/img/web-ui-find-by-store-name.png and docs/img/web-ui-connection-summary.png');

  const inventory = await fetch(`${ui}/api/v1/namespaces/default/workflows/${encodeURIComponent(`inventory:${connectionId}`)}`);
  if (inventory.ok) {
    await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(`inventory:${connectionId}`)}`);
    await page.getByText('User Metadata').first().click();
    await page.getByText('Current Details').first().waitFor();
    await page.screenshot({ path: 'docs/img/web-ui-inventory-loop.png' });
    console.log('wrote docs/img/web-ui-inventory-loop.png');
  }

  if (orderNumber) {
    await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`StoreName="${storeName}" AND OrderNumber="${orderNumber}"`)}`);
    const order = page.getByRole('link', { name: /^order:/ }).first();
    await order.waitFor();
    await page.screenshot({ path: 'docs/img/web-ui-find-order.png' });
    await page.goto(new URL((await order.getAttribute('href')) ?? '', ui).toString());
    await page.getByText('User Metadata').first().click();
    await page.getByText('Current Details').first().waitFor();
    await page.screenshot({ path: 'docs/img/web-ui-order-summary.png' });
    console.log('wrote docs/img/web-ui-find-order.png and docs/img/web-ui-order-summary.png');
  }
} finally {
  await browser.close();
}
