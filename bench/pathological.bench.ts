/**
 * Pathological-input benchmark (`npm run bench -- pathological`): for each input class of
 * bench/pathological-inputs.ts, parseOfx's time on a 256 KB file and on a 2 MB one, and their ratio. A parser
 * linear in its input shows a ratio near 8 (2 MB / 256 KB); a quadratic one near 64. The bot parses bank
 * answers in its one process, so a parse that takes seconds stalls every member's interaction.
 *
 * Each figure is the best of a few runs (at least RUNS, more until MIN_MS were timed, never more than MAX_RUNS);
 * "result" says what the parse ended in (a result, or the one-line OfxParseError). When the 256 KB run alone
 * takes more than GIVE_UP_MS the 2 MB run is skipped (a quadratic path would take about 64 times as long) and
 * the table says so.
 */
import { OfxParseError } from '../core/errors.ts';
import { parseOfx } from '../core/ofx/parse.ts';
import { PATHOLOGICAL_CASES } from './pathological-inputs.ts';

const SMALL = 256 * 1024;
const LARGE = 2 * 1024 * 1024;
const RUNS = 3;
const MIN_MS = 300;
const MAX_RUNS = 20;
const GIVE_UP_MS = 3000;

function outcome(bytes: Uint8Array): string {
  try {
    parseOfx(bytes);
    return 'parsed';
  } catch (error) {
    if (error instanceof OfxParseError) return 'OfxParseError';
    return `CRASH ${(error as Error).name}`;
  }
}

function time(bytes: Uint8Array): { ms: number; result: string } {
  let best = Infinity;
  let total = 0;
  let result = '';
  for (let runs = 0; runs < RUNS || (total < MIN_MS && runs < MAX_RUNS); runs++) {
    const t0 = performance.now();
    result = outcome(bytes);
    const ms = performance.now() - t0;
    best = Math.min(best, ms);
    total += ms;
    if (ms > GIVE_UP_MS) break;
  }
  return { ms: best, result };
}

function main(): void {
  const rows: string[][] = [['input', '256 KB ms', '2 MB ms', 'ratio', 'result', 'what it stresses']];
  for (const c of PATHOLOGICAL_CASES) {
    const small = time(Buffer.from(c.make(SMALL), 'latin1'));
    let large: { ms: number; result: string } | null = null;
    if (small.ms <= GIVE_UP_MS) large = time(Buffer.from(c.make(LARGE), 'latin1'));
    rows.push([
      c.name,
      small.ms.toFixed(1),
      large ? large.ms.toFixed(1) : 'skipped',
      large ? (large.ms / Math.max(small.ms, 0.01)).toFixed(1) : '-',
      large && large.result !== small.result ? `${small.result} / ${large.result}` : small.result,
      c.what,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) {
    console.log(r.map((cell, i) => (i === r.length - 1 ? cell : i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
  }
  console.log(
    `node ${process.version}; parseOfx from bytes, best of >= ${RUNS} runs (more until ${MIN_MS} ms were timed); ` +
      `linear ≈ 8 (2 MB / 256 KB); 2 MB skipped when 256 KB alone took over ${GIVE_UP_MS} ms.`,
  );
}

main();
