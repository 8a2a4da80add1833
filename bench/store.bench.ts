/**
 * Storing statements (`npm run bench -- store`): 100k transactions saved in one sync into a fresh SQLite file
 * (WAL, as the bot runs it), then the same 100k again, as a re-sync that adds none (every FITID known), both
 * through db/repositories/statements.ts saveStatements. Each figure is the best of RUNS fresh databases.
 * Target: the 100k under 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement, Transaction } from '../core/ofx/types.ts';
import { openDatabase } from '../db/connection.ts';
import { createConnection } from '../db/repositories/connections.ts';
import { ensureLocalMember } from '../db/repositories/members.ts';
import { saveStatements } from '../db/repositories/statements.ts';
import { SecretBox } from '../db/secrets.ts';

const COUNT = 100_000;
const RUNS = 3;
const TARGET_MS = 1000;

function transactions(count: number): Transaction[] {
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    fitid: `2025${String(i).padStart(10, '0')}`,
    type: i % 3 === 0 ? 'CREDIT' : 'DEBIT',
    posted: new Date(start + i * 60_000).toISOString(),
    amount: `${i % 2 ? '-' : ''}${(i * 7919) % 100_000}.${String(i % 100).padStart(2, '0')}`,
    name: ['GROCERY MART #1123', 'AT&T WIRELESS', 'PAYROLL DEPOSIT', 'Procter & Gamble'][i % 4] as string,
    memo: `Reference ${i}`,
    checkNumber: i % 7 === 3 ? String(1000 + i) : null,
  }));
}

function statement(list: Transaction[]): Statement {
  return {
    kind: 'bank',
    trnuid: '1',
    status: { code: 0, severity: 'INFO', message: null },
    currency: 'USD',
    account: { kind: 'bank', accountId: '123456789', accountType: 'CHECKING', bankId: '121000248', brokerId: null },
    start: '2025-01-01T00:00:00.000Z',
    end: '2025-03-12T00:00:00.000Z',
    ledgerBalance: { amount: '12345.67', asOf: '2025-03-12T00:00:00.000Z' },
    availableBalance: null,
    transactions: list,
    positions: [],
  };
}

const list = transactions(COUNT);
let bestFirst = Infinity;
let bestAgain = Infinity;
let stored = 0;
let added = -1;
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-bench-store-'));
  try {
    const path = join(dir, 'bench.sqlite');
    const db = openDatabase(path);
    const member = ensureLocalMember(db, 'local:bench');
    const connection = createConnection(db, SecretBox.fromKey(Buffer.alloc(32, 1)), {
      memberId: member.id, name: 'bench', url: 'https://bank.example/ofx', org: 'B', fid: '1', version: '103', userId: 'u', password: 'p',
    });
    let t = performance.now();
    const first = saveStatements(db, null, connection.id, [statement(list)]);
    bestFirst = Math.min(bestFirst, performance.now() - t);
    t = performance.now();
    const again = saveStatements(db, null, connection.id, [statement(list)]);
    bestAgain = Math.min(bestAgain, performance.now() - t);
    stored = first[0]?.newTransactions ?? 0;
    added = again[0]?.newTransactions ?? -1;
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (stored !== COUNT || added !== 0) throw new Error(`stored ${stored} (expected ${COUNT}), re-sync added ${added} (expected 0)`);

const rate = (ms: number) => `${Math.round(COUNT / (ms / 1000)).toLocaleString('en-US')} tx/s`;
console.log(`store ${COUNT.toLocaleString('en-US')} new transactions: ${bestFirst.toFixed(0)} ms (${rate(bestFirst)}); target < ${TARGET_MS} ms: ${bestFirst < TARGET_MS ? 'met' : 'MISSED'}`);
console.log(`re-sync of the same ${COUNT.toLocaleString('en-US')} (adds 0): ${bestAgain.toFixed(0)} ms (${rate(bestAgain)})`);
console.log(
  `node ${process.version}; saveStatements into a fresh WAL SQLite file, one statement, best of ${RUNS} fresh databases; ` +
    `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores.`,
);
