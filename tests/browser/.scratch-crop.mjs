import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';
const s = await startServer();
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const ctx = await b.newContext({ viewport: { width: 390, height: 844 } });
const p = await ctx.newPage();
await p.goto(s.url + '/?lang=en');
const H = await p.evaluate(() => document.documentElement.scrollHeight);
for (let y = 0, i = 0; y < H; y += 800, i++)
  await p.screenshot({ path: `/tmp/scanshots/m${i}.png`, fullPage: true, clip: { x: 0, y, width: 390, height: Math.min(800, H - y) } });
const c2 = await b.newContext({ viewport: { width: 1280, height: 800 } });
const p2 = await c2.newPage();
await p2.goto(s.url + '/?lang=en');
await p2.screenshot({ path: '/tmp/scanshots/d-top.png', clip: { x: 0, y: 0, width: 1280, height: 620 } });
for (const w of [1024, 800, 640]) {
  await p2.setViewportSize({ width: w, height: 700 });
  await p2.screenshot({ path: `/tmp/scanshots/w${w}.png`, clip: { x: 0, y: 0, width: w, height: 400 } });
}
await b.close(); await s.stop();
console.log(H);
