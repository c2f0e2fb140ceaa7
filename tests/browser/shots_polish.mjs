// shots_polish.mjs BASE OUTDIR EMAIL PASSWORD PATH...: screenshots of the
// given pages as a logged-in person, in the three languages, at desktop
// (1366 px) and phone (390 px) width, full page, named
// <path-slug>-<lang>-<width>.png. A helper for looking at changed pages
// (issue 11), not a test.
import { chromium } from 'playwright-core';

const [base, out, email, password, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  for (const width of [1366, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    if (email) {
      await page.goto(`${base}/login`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', password);
      await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
    }
    for (const p of paths) {
      for (const lang of ['en', 'sr-Latn', 'sr-Cyrl']) {
        const url = `${base}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`;
        await page.goto(url, { waitUntil: 'load' });
        const slug = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        await page.screenshot({ path: `${out}/${slug}-${lang}-${width}.png`, fullPage: true });
        console.log(`${slug}-${lang}-${width}.png document width ${wide}`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}
