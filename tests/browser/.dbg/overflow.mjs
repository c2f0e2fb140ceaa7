import { chromium } from 'playwright-core';
import { startServer } from '../../http/lib.mjs';
const server = await startServer({ demo: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
for (const url of (process.argv[2] || '/orgs?lang=sr-Cyrl').split(',')) {
  await page.goto(server.url + url);
  const wide = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > document.documentElement.clientWidth + 1) out.push(`${el.tagName}.${el.className} right=${Math.round(r.right)} w=${Math.round(r.width)}`);
    }
    return out.slice(0, 15);
  });
  console.log(url, wide);
  await page.screenshot({ path: `tests/browser/.dbg/${url.replace(/\W+/g, '_')}.png` });
}
await browser.close();
await server.stop();
