/**
 * Bank directory search (`npm run bench -- directory`): what one Discord autocomplete keystroke costs. Queries are
 * the prefixes a person types on the way to a name ("v", "va", "van", ...) and whole names, over the shipped
 * 556 servers; each query runs many times and the table shows the median and the worst of per-query means,
 * plus the first load (reading banks.json and building the index). Target: well under 10 ms a search.
 */
import { performance } from 'node:perf_hooks';
import { bankDirectory, searchBanks } from '../core/directory/index.ts';

const NAMES = ['Vanguard', 'fidelity', 'chase', 'usaa', 'schwab', 'bank of america', 'wells fargo advisors', 'navy federal credit union', 'america first cu', 'b&t', 'Crédit Union'];
const QUERIES = NAMES.flatMap((n) => Array.from({ length: n.length }, (_, i) => n.slice(0, i + 1)));
const RUNS = 200;

const t0 = performance.now();
const entries = bankDirectory().entries.length;
const loadMs = performance.now() - t0;

for (const q of QUERIES) searchBanks(q); // warm-up: JIT, not measured
const means: number[] = [];
for (const q of QUERIES) {
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) searchBanks(q);
  means.push((performance.now() - start) / RUNS);
}
means.sort((a, b) => a - b);
const median = means[Math.floor(means.length / 2)] as number;
const worst = means.at(-1) as number;

const rows = [
  ['servers', String(entries)],
  ['queries (prefixes of 11 names)', String(QUERIES.length)],
  ['first load + index, ms', loadMs.toFixed(1)],
  ['search median, ms', median.toFixed(3)],
  ['search worst query, ms', worst.toFixed(3)],
  ['target', 'well under 10 ms'],
];
const width = Math.max(...rows.map((r) => (r[0] as string).length));
for (const [k, v] of rows) process.stdout.write(`${(k as string).padEnd(width)}  ${v}\n`);
if (worst >= 10) {
  process.stdout.write('slower than 10 ms a search\n');
  process.exitCode = 1;
}
