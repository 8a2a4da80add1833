/**
 * `npm run fuzz -- --cases N [--seed S]`: mutated OFX files (see mutations.ts) through parseOfx +
 * toStatementJson, each checked by check.ts, then the linearity check (shapes.ts). Prints cases/s, the
 * failures with the command that replays each, and exits 1 if anything failed.
 *
 *   --case I [--save FILE]   replay one case of --seed in this process (and write its bytes to FILE)
 *   --from I                 start at case I (resume or split a run)
 *   --corpus DIR             real bank files to mutate (default ../shared/ofx-corpus, or $OFX_CORPUS)
 *   --no-linearity / --linearity-only   skip the linearity check / run only it (see linearity.ts for how it times)
 *   --case-timeout-ms MS     a case running longer is stopped and counted as a failure (default 5000)
 *   --max-bytes N            cut every case at N bytes (default 4 MiB; the short run in npm test uses less)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCase } from './cases.ts';
import { ROUNDS as LINEARITY_ROUNDS } from './linearity.ts';
import { LINEAR_RATIO, measureLinearity, reproduceCommand, runFuzz, type LinearityRow } from './runner.ts';
import { loadSeeds } from './seeds.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    from: { type: 'string', default: '0' },
    case: { type: 'string' },
    save: { type: 'string' },
    corpus: { type: 'string' },
    'no-linearity': { type: 'boolean', default: false },
    'linearity-only': { type: 'boolean', default: false },
    'case-timeout-ms': { type: 'string', default: '5000' },
    'max-bytes': { type: 'string' },
  },
  strict: true,
});

function integer(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`error: --${name} ${text}: expected a whole number\n`);
    process.exit(2);
  }
  return n;
}

const seed = integer('seed', values.seed, Math.floor(Math.random() * 0x7fff_ffff));
const seeds = loadSeeds(values.corpus);
const maxBytes = values['max-bytes'] === undefined ? undefined : integer('max-bytes', values['max-bytes']);

if (values.case !== undefined) {
  const index = integer('case', values.case);
  const { case: c, verdict, ms } = runCase(seeds.files, seed, index, maxBytes);
  if (values.save) writeFileSync(values.save, c.bytes);
  process.stdout.write(`seed ${seed} case ${index}: ${c.seedFile} + ${c.mutations.join(' + ')}, ${c.bytes.length} bytes, ${ms.toFixed(1)} ms\n`);
  process.stdout.write(verdict.ok ? `ok: ${verdict.outcome}\n` : `FAILED: ${verdict.problem}\n`);
  if (values.save) process.stdout.write(`bytes written to ${values.save}\n`);
  process.exit(verdict.ok ? 0 : 1);
}

let failed = false;

if (!values['linearity-only']) {
  const cases = integer('cases', values.cases);
  const from = integer('from', values.from);
  process.stdout.write(
    `fuzzing ${cases} cases from case ${from}, seed ${seed}: ${seeds.files.length} seed files` +
      `${seeds.corpus ? ` (corpus ${seeds.corpus})` : ' (corpus not found: our fixtures only)'}\n`,
  );
  const started = performance.now();
  const summary = await runFuzz({
    seed,
    cases,
    from,
    corpus: seeds.corpus,
    ...(maxBytes ? { maxBytes } : {}),
    caseTimeoutMs: integer('case-timeout-ms', values['case-timeout-ms']),
    onProgress: (done, failures) => {
      if (done % 5_000 === 0) process.stdout.write(`  ${done} cases, ${failures} failures, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    },
    onFailure: (f) => process.stdout.write(`  failed: case ${f.index}: ${f.problem.slice(0, 160)}\n`),
  });
  const seconds = summary.elapsedMs / 1000;
  process.stdout.write(
    `${summary.cases} cases in ${seconds.toFixed(1)} s (${(summary.cases / seconds).toFixed(0)} cases/s, ${(summary.bytes / 1e6 / seconds).toFixed(1)} MB/s): ` +
      `${summary.results} results, ${summary.refused} OfxParseError, ${summary.failures.length} failures\n`,
  );
  if (summary.slowest) {
    process.stdout.write(`slowest case: ${summary.slowest.index} (${summary.slowest.bytes} bytes, ${summary.slowest.ms.toFixed(0)} ms)\n`);
  }
  for (const f of summary.failures.slice(0, 50)) {
    process.stdout.write(
      `FAILED seed ${seed} case ${f.index}${f.seedFile ? ` (${f.seedFile} + ${f.mutations.join(' + ')}, ${f.bytes} bytes)` : ''}: ${f.problem}\n` +
        `  reproduce: ${reproduceCommand(seed, f.index, maxBytes)}\n`,
    );
  }
  if (summary.failures.length > 50) process.stdout.write(`... and ${summary.failures.length - 50} more failures\n`);
  failed ||= summary.failures.length > 0;
}

if (!values['no-linearity']) {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(
    `\nlinearity: CPU time of a parse at n and 10n units, best of ${LINEARITY_ROUNDS} (wall time in brackets); must stay under ${LINEAR_RATIO}x` +
      ` (load average ${load}, ${cpus().length} cores)\n`,
  );
  const ms = (v: number | null): string => (v === null || !Number.isFinite(v) ? '?' : v.toFixed(1));
  const kB = (v: number | null): string => (v === null ? '?' : (v / 1e3).toFixed(0));
  const print = (r: LinearityRow): void => {
    const ratio = r.ratio === null ? `> ${LINEAR_RATIO} (stopped)` : `x${r.ratio.toFixed(1)}`;
    process.stdout.write(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.shape.padEnd(36)} ${kB(r.smallBytes).padStart(6)} kB ${ms(r.smallMs).padStart(7)} ms (${ms(r.smallWallMs)}) -> ` +
        `${kB(r.bigBytes).padStart(6)} kB ${ms(r.bigMs).padStart(7)} ms (${ms(r.bigWallMs)})   ${ratio}\n`,
    );
  };
  const rows = await measureLinearity(print);
  const over = rows.filter((r) => !r.ok);
  process.stdout.write(
    over.length === 0
      ? `linearity: ok, all ${rows.length} shapes under ${LINEAR_RATIO}x\n`
      : `linearity: FAILED, ${over.length} of ${rows.length} shapes at ${LINEAR_RATIO}x or over: ${over.map((r) => r.shape).join(', ')}\n`,
  );
  failed ||= over.length > 0;
}

process.exitCode = failed ? 1 : 0;
