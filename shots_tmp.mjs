import { chromium } from 'playwright-core';
const url = 'http://127.0.0.1:18777';
const [w, lang, ...ys] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await b.newContext({ viewport: { width: Number(w), height: 1000 } });
const p = await ctx.newPage();
await p.goto(url + '/login');
await p.fill('input[name=email]', 'boss@example.com');
await p.fill('input[name=password]', 'admin pass phrase 2026');
await Promise.all([p.waitForNavigation(), p.click('main form button[type=submit]')]);
await p.goto(`${url}/cooperation/stats?lang=${lang}`);
for (const y of ys) {
  await p.screenshot({ path: `/tmp/ps/c-${lang}-${w}-${y}.png`, clip: { x: 0, y: Number(y), width: Number(w), height: 1000 }, fullPage: true });
}
await b.close();
