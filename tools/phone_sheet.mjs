// phone_sheet.mjs OUTDIR PNG...: each tall full-page phone screenshot (390 px
// wide) cut into 1200 px columns placed side by side, one sheet per file
// (OUTDIR/S-<name>.png), so a person or an image viewer reads a whole page
// at its real size. A helper for looking at phone walks
// (tests/browser/phone_walk.test.mjs), not a test; no ImageMagick needed.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
const [out, ...files] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1200 } });
for (const f of files) {
  const data = readFileSync(f);
  const h = data.readUInt32BE(20);
  const cols = Math.ceil(h / 1200);
  const src = `data:image/png;base64,${data.toString('base64')}`;
  let html = `<body style="margin:0;background:#888;display:flex;gap:6px;width:${cols * 396}px">`;
  for (let i = 0; i < cols; i++) html += `<div style="width:390px;height:1200px;overflow:hidden;background:#fff"><img src="${src}" style="display:block;margin-top:-${i * 1200}px"></div>`;
  await p.setViewportSize({ width: cols * 396, height: 1200 });
  await p.setContent(html + '</body>');
  const name = f.split('/').pop().replace('.png', '');
  await p.screenshot({ path: `${out}/S-${name}.png` });
  console.log(name, cols);
}
await b.close();
