/**
 * Parse benchmark (`npm run bench`): bank statements of 1k, 10k and 100k transactions, written as OFX 1.0.3
 * SGML and 2.1.1 XML by the project's own serializer, then read back with parseOfx + toStatementJson.
 * Each case runs in a fresh child process so peak memory figures do not mix:
 * - MB/s: file size over the best of the timed runs (bytes in, statement JSON out, charset decoding included).
 *   At least TIMED_RUNS runs, and more until MIN_TIMED_MS of parsing has been timed: a 10k statement parses
 *   in ~20 ms, so five runs would mostly measure how fast V8 gets around to optimizing the parser on a busy
 *   two-core machine rather than the parser. "cold ms" shows the very first parse of the process, for the
 *   one-shot case (a command parsing one file);
 * - peak RSS delta: the process's peak resident set size during the first parse minus its size just before,
 *   shown as a multiple of the file size (this includes V8's young generation, up to ~32 MB once it has grown).
 *   On Linux the peak is reset just before the parse (/proc/self/clear_refs) and read back from VmHWM, so
 *   that a higher peak reached earlier (tsx compiling the sources at start-up) cannot hide in the figure;
 *   elsewhere it falls back to getrusage's lifetime maxRSS. The figure still moves by +-2x the file size from
 *   one process to the next (whether pages freed after start-up are still resident when the parse begins), so
 *   each case runs in CHILDREN fresh processes and the table shows the median of each column;
 * - retained: heap + external memory the statement JSON still holds after a full GC (its strings keep the
 *   decoded text alive); the OfxNode tree is garbage by then.
 * Targets: >= 28 MB/s SGML and >= 110 MB/s XML at 10k and 100k transactions; peak delta under 6x the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatOfxDateTime } from '../core/ofx/dates.ts';
import { parseOfx } from '../core/ofx/parse.ts';
import { serializeOfx } from '../core/ofx/serialize.ts';
import { toStatementJson } from '../core/ofx/statement-json.ts';
import { aggregate, leaf, type OfxNode } from '../core/ofx/tree.ts';

const SIZES = [1_000, 10_000, 100_000];
const VERSIONS = [
  { version: '103', label: 'SGML 1.0.3' },
  { version: '211', label: 'XML 2.1.1' },
];
const TIMED_RUNS = 5;
const MIN_TIMED_MS = 1000;
const MAX_TIMED_RUNS = 100;
const CHILDREN = 3;

const NAMES = ['GROCERY MART #1123', 'AT&T WIRELESS', 'PAYROLL DEPOSIT', 'Procter & Gamble', 'CITY WATER UTIL'];
const TYPES = ['DEBIT', 'CREDIT', 'POS', 'CHECK', 'XFER'];

function statement(count: number): OfxNode {
  const start = Date.UTC(2025, 0, 1);
  const transactions: OfxNode[] = [];
  for (let i = 0; i < count; i++) {
    const cents = ((i * 7919) % 250_000) - 125_000;
    const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    transactions.push(
      aggregate('STMTTRN', [
        leaf('TRNTYPE', TYPES[i % TYPES.length] as string),
        leaf('DTPOSTED', formatOfxDateTime(new Date(start + i * 60_000), -300)),
        leaf('TRNAMT', amount),
        leaf('FITID', `2025${String(i).padStart(10, '0')}`),
        i % 7 === 3 ? leaf('CHECKNUM', String(1000 + i)) : null,
        leaf('NAME', NAMES[i % NAMES.length] as string),
        leaf('MEMO', `Reference ${i} for statement line`),
      ]),
    );
  }
  const now = formatOfxDateTime(new Date(start + count * 60_000));
  return aggregate('OFX', [
    aggregate('SIGNONMSGSRSV1', [
      aggregate('SONRS', [
        aggregate('STATUS', [leaf('CODE', '0'), leaf('SEVERITY', 'INFO')]),
        leaf('DTSERVER', now),
        leaf('LANGUAGE', 'ENG'),
        aggregate('FI', [leaf('ORG', 'BENCH'), leaf('FID', '1234')]),
      ]),
    ]),
    aggregate('BANKMSGSRSV1', [
      aggregate('STMTTRNRS', [
        leaf('TRNUID', '1'),
        aggregate('STATUS', [leaf('CODE', '0'), leaf('SEVERITY', 'INFO')]),
        aggregate('STMTRS', [
          leaf('CURDEF', 'USD'),
          aggregate('BANKACCTFROM', [leaf('BANKID', '121000248'), leaf('ACCTID', '123456789'), leaf('ACCTTYPE', 'CHECKING')]),
          aggregate('BANKTRANLIST', [leaf('DTSTART', '20250101'), leaf('DTEND', now), ...transactions]),
          aggregate('LEDGERBAL', [leaf('BALAMT', '12345.67'), leaf('DTASOF', now)]),
          aggregate('AVAILBAL', [leaf('BALAMT', '12000.00'), leaf('DTASOF', now)]),
        ]),
      ]),
    ]),
  ]);
}

interface Measurement {
  bytes: number;
  bestMs: number;
  coldMs: number;
  runs: number;
  peakDeltaBytes: number;
  /** Heap + external memory still held by the statement JSON after a full GC (the tree is garbage by then). */
  retainedBytes: number;
  transactions: number;
}

function parseOnce(bytes: Uint8Array): number {
  return toStatementJson(parseOfx(bytes)).statements.reduce((n, s) => n + s.transactions.length, 0);
}

/** Resets the kernel's peak-RSS mark of this process (Linux 4.0+); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS in bytes: VmHWM since the last reset where available, else the lifetime maxRSS. */
function peakRss(resetWorked: boolean): number {
  if (resetWorked) {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Child mode: measure one file and print a Measurement as JSON. */
function measure(file: string): Measurement {
  const bytes = readFileSync(file);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage();
  const resetWorked = resetPeakRss();
  const before = process.memoryUsage.rss();
  const t0 = performance.now();
  const json = toStatementJson(parseOfx(bytes));
  const coldMs = performance.now() - t0;
  const peak = peakRss(resetWorked);
  gc?.();
  const heapAfter = process.memoryUsage();
  const retainedBytes =
    heapAfter.heapUsed + heapAfter.external - (heapBefore.heapUsed + heapBefore.external);
  const transactions = json.statements.reduce((n, s) => n + s.transactions.length, 0);
  let bestMs = Infinity;
  let timedMs = 0;
  let runs = 0;
  while (runs < TIMED_RUNS || (timedMs < MIN_TIMED_MS && runs < MAX_TIMED_RUNS)) {
    gc?.();
    const start = performance.now();
    parseOnce(bytes);
    const ms = performance.now() - start;
    bestMs = Math.min(bestMs, ms);
    timedMs += ms;
    runs++;
  }
  return { bytes: bytes.length, bestMs, coldMs, runs, peakDeltaBytes: Math.max(0, peak - before), retainedBytes, transactions };
}

/** The median of `values` (CHILDREN is odd, so one of them). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** One Measurement per fresh child process, combined column by column with the median. */
function runChildren(file: string): Measurement {
  const all = Array.from({ length: CHILDREN }, () => runChild(file));
  const first = all[0] as Measurement;
  return {
    bytes: first.bytes,
    transactions: first.transactions,
    bestMs: median(all.map((m) => m.bestMs)),
    coldMs: median(all.map((m) => m.coldMs)),
    runs: median(all.map((m) => m.runs)),
    peakDeltaBytes: median(all.map((m) => m.peakDeltaBytes)),
    retainedBytes: median(all.map((m) => m.retainedBytes)),
  };
}

function runChild(file: string): Measurement {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--one', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`benchmark child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Measurement;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-bench-'));
  try {
    const rows: string[][] = [
      ['format', 'transactions', 'size MB', 'MB/s', 'best ms', 'runs', 'cold ms', 'peak RSS delta', 'x file', 'JSON retained', 'x file'],
    ];
    for (const { version, label } of VERSIONS) {
      for (const size of SIZES) {
        const file = join(dir, `stmt-${version}-${size}.ofx`);
        writeFileSync(file, serializeOfx(statement(size), { version }));
        const m = runChildren(file);
        if (m.transactions !== size) throw new Error(`${file}: read ${m.transactions} transactions, wrote ${size}`);
        const mb = statSync(file).size / 1e6;
        rows.push([
          label,
          String(size),
          mb.toFixed(2),
          (mb / (m.bestMs / 1000)).toFixed(1),
          m.bestMs.toFixed(1),
          String(m.runs),
          m.coldMs.toFixed(1),
          `${(m.peakDeltaBytes / 1e6).toFixed(1)} MB`,
          (m.peakDeltaBytes / m.bytes).toFixed(2),
          `${(m.retainedBytes / 1e6).toFixed(1)} MB`,
          (m.retainedBytes / m.bytes).toFixed(2),
        ]);
      }
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
    console.log(
      `node ${process.version}; MB = 10^6 bytes; parseOfx + toStatementJson from bytes, best of >= ${TIMED_RUNS} runs ` +
        `(more until ${MIN_TIMED_MS} ms were timed); cold = the first parse in the process; ` +
        `each figure the median of ${CHILDREN} processes.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const oneAt = process.argv.indexOf('--one');
if (oneAt !== -1) {
  process.stdout.write(`${JSON.stringify(measure(process.argv[oneAt + 1] as string))}\n`);
} else {
  main();
}
