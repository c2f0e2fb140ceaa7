#!/usr/bin/env bash
# html.sh DIR: every HTML page the tests received is valid HTML.
#
# DIR is what tests/http/lib.mjs saved with SCAN_HTML_DUMP=DIR: one
# <sha1>.html per distinct page (error pages included) and index.txt with
# "<file> <method> <url> <status>" for each response that produced it. All
# pages go through the Nu HTML Checker (npm vnu-jar, on the machine's Java)
# in one JVM (it starts slowly), errors only. Each error is printed with
# the URL(s) that produced the page, then one line
#   html: N pages checked, E errors
# Exits 1 when E > 0, or when N == 0 (no page saved: the hook is broken).
#
# Run: SCAN_HTML_DUMP=/tmp/d node --test tests/http/X.test.mjs &&
#      tests/validate/html.sh /tmp/d
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=${1:?usage: tests/validate/html.sh DIR}
vnu=node_modules/vnu-jar/build/dist/vnu.jar
[ -f "$vnu" ] || { echo "html: $vnu missing (npm ci)" >&2; exit 1; }
command -v java >/dev/null || { echo "html: java missing (apt-get install default-jre-headless)" >&2; exit 1; }
[ -d "$dir" ] || { echo "html: no folder $dir" >&2; exit 1; }

n=$(find "$dir" -maxdepth 1 -name '*.html' | wc -l)
if [ "$n" -eq 0 ]; then
  echo "html: 0 pages checked, 0 errors (no page saved: is SCAN_HTML_DUMP set and the hook in tests/http/lib.mjs working?)"
  exit 1
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# vnu exits 1 when it found errors; the count below decides. A directory
# argument is walked for *.html (no argument-list limit); stderr carries JSON.
set +e
java -Xss4m -jar "$vnu" --errors-only --format json --skip-non-html "$dir" 2>"$out" >/dev/null
rc=$?
set -e

# Messages vnu gives for valid HTML would be filtered here, each with its
# reason; none is needed so far.
node - "$out" "$dir" "$n" "$rc" <<'EOF'
const fs = require('fs');
const path = require('path');
const [outFile, dir, n, rc] = process.argv.slice(2);
const raw = fs.readFileSync(outFile, 'utf8');
let report;
try {
  report = JSON.parse(raw);
} catch {
  console.log(`html: vnu gave no JSON report (exit ${rc}):\n${raw.slice(0, 4000)}`);
  console.log(`html: ${n} pages checked, 1 errors`);
  process.exit(1);
}
const urls = new Map();
const index = path.join(dir, 'index.txt');
if (fs.existsSync(index)) {
  for (const line of fs.readFileSync(index, 'utf8').split('\n')) {
    const [file, method, url, status] = line.split(' ');
    if (!file) continue;
    if (!urls.has(file)) urls.set(file, new Set());
    urls.get(file).add(`${method} ${url} ${status}`);
  }
}
const errors = report.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
const byFile = new Map();
for (const m of errors) {
  const file = path.basename(decodeURIComponent((m.url || '').replace(/^file:/, '')));
  if (!byFile.has(file)) byFile.set(file, []);
  byFile.get(file).push(m);
}
for (const [file, list] of byFile) {
  const from = [...(urls.get(file) || ['(not in index.txt)'])];
  console.log(`${file} (${from.slice(0, 3).join(', ')}${from.length > 3 ? `, +${from.length - 3} more` : ''}):`);
  for (const m of list) {
    const where = m.lastLine ? `${m.lastLine}.${m.firstColumn ?? m.lastColumn}` : '-';
    const extract = m.extract ? `  [${m.extract.replace(/\s+/g, ' ').trim().slice(0, 160)}]` : '';
    console.log(`  ${where}: ${m.message}${extract}`);
  }
}
console.log(`html: ${n} pages checked, ${errors.length} errors`);
process.exit(errors.length > 0 ? 1 : 0);
EOF
