/**
 * Parse benchmark (`npm run bench`): bank statements of 1k, 10k and 100k transactions, written as OFX 1.0.3
 * SGML and 2.1.1 XML by the project's own serializer, then read back with parseOfx + toStatementJson.
 * Each case runs in a fresh child process so peak memory figures do not mix:
 * - MB/s: file size over the best of several timed runs (bytes in, statement JSON out, charset decoding included);
 * - peak RSS delta: the process's peak resident set size during the first parse minus its size just before,
 *   shown as a multiple of the file size (this includes V8's young generation, up to ~32 MB once it has grown);
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
  peakDeltaBytes: number;
  /** Heap + external memory still held by the statement JSON after a full GC (the tree is garbage by then). */
  retainedBytes: number;
  transactions: number;
}

function parseOnce(bytes: Uint8Array): number {
  return toStatementJson(parseOfx(bytes)).statements.reduce((n, s) => n + s.transactions.length, 0);
}

/** Child mode: measure one file and print a Measurement as JSON. */
function measure(file: string): Measurement {
  const bytes = readFileSync(file);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage();
  const before = process.memoryUsage.rss();
  const json = toStatementJson(parseOfx(bytes));
  const peak = process.resourceUsage().maxRSS * 1024;
  gc?.();
  const heapAfter = process.memoryUsage();
  const retainedBytes =
    heapAfter.heapUsed + heapAfter.external - (heapBefore.heapUsed + heapBefore.external);
  const transactions = json.statements.reduce((n, s) => n + s.transactions.length, 0);
  let bestMs = Infinity;
  for (let i = 0; i < TIMED_RUNS; i++) {
    gc?.();
    const t0 = performance.now();
    parseOnce(bytes);
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return { bytes: bytes.length, bestMs, peakDeltaBytes: Math.max(0, peak - before), retainedBytes, transactions };
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
      ['format', 'transactions', 'size MB', 'MB/s', 'best ms', 'peak RSS delta', 'x file', 'JSON retained', 'x file'],
    ];
    for (const { version, label } of VERSIONS) {
      for (const size of SIZES) {
        const file = join(dir, `stmt-${version}-${size}.ofx`);
        writeFileSync(file, serializeOfx(statement(size), { version }));
        const m = runChild(file);
        if (m.transactions !== size) throw new Error(`${file}: read ${m.transactions} transactions, wrote ${size}`);
        const mb = statSync(file).size / 1e6;
        rows.push([
          label,
          String(size),
          mb.toFixed(2),
          (mb / (m.bestMs / 1000)).toFixed(1),
          m.bestMs.toFixed(1),
          `${(m.peakDeltaBytes / 1e6).toFixed(1)} MB`,
          (m.peakDeltaBytes / m.bytes).toFixed(2),
          `${(m.retainedBytes / 1e6).toFixed(1)} MB`,
          (m.retainedBytes / m.bytes).toFixed(2),
        ]);
      }
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
    console.log(`node ${process.version}; MB = 10^6 bytes; parseOfx + toStatementJson from bytes, best of ${TIMED_RUNS}.`);
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
