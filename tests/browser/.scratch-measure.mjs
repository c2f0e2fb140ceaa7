import { chromium } from 'playwright-core';
import { startServer } from '../http/lib.mjs';
const s = await startServer();
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const ctx = await b.newContext({ viewport: { width: 1400, height: 800 } });
const p = await ctx.newPage();
for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
  await p.goto(s.url + '/?lang=' + lang);
  let wrapAt = null;
  for (let w = 1400; w >= 320; w -= 10) {
    await p.setViewportSize({ width: w, height: 800 });
    const r = await p.evaluate(() => {
      const t = (q) => document.querySelector(q).getBoundingClientRect();
      return { brand: t('.brand').top, lang: t('.lang-switch').top, search: t('.search-box').top, input: t('.search-box input').width, hdr: t('.site-header').height,
        statH: [...document.querySelectorAll('.stat-value')].map(e => e.getBoundingClientRect().height),
        tw: document.querySelector('.table-wrap').scrollWidth - document.querySelector('.table-wrap').clientWidth };
    });
    if (w % 100 === 0 || (wrapAt === null && Math.abs(r.lang - r.brand) > 20)) console.log(lang, w, JSON.stringify(r));
    if (wrapAt === null && Math.abs(r.lang - r.brand) > 20) wrapAt = w;
  }
}
await b.close(); await s.stop();
