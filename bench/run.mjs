// npm run bench: runs every bench/cases/*.mjs (or the ones named: npm run bench -- startup).
// Each case prints its own results; speed targets live here, never in unit tests.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const wanted = process.argv.slice(2);
const cases = readdirSync(dir).filter((f) => f.endsWith('.mjs')).filter((f) => !wanted.length || wanted.some((w) => f.includes(w))).sort();
let failed = 0;
for (const file of cases) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
