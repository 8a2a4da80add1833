/**
 * `npm run bench [-- SECTION...]`: runs every bench/*.bench.ts in name order (or the named ones), each in its own
 * process so one section's heap and JIT state cannot colour the next one's figures. Each prints its own table.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const sections = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));

let failed = 0;
for (const file of sections) {
  process.stdout.write(`\n## ${file.replace(/\.bench\.ts$/, '')}\n`);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', `${here}${file}`], { stdio: 'inherit' });
  if (child.status !== 0) {
    failed += 1;
    process.stdout.write(`(${file} exited ${child.status ?? child.signal})\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
