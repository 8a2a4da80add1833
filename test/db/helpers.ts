/** Shared set-up for the db tests: real SQLite files in a fresh temp directory, a fixed key, sample statements. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Statement, Transaction } from '../../core/ofx/types.ts';
import { openDatabase } from '../../db/connection.ts';
import type { Database } from '../../db/connection.ts';
import { ensureLocalMember } from '../../db/repositories/members.ts';
import { createConnection } from '../../db/repositories/connections.ts';
import type { NewConnection } from '../../db/repositories/connections.ts';
import type { ConnectionRow, Member } from '../../db/schema.ts';
import { SecretBox } from '../../db/secrets.ts';

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A temp directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-db-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database file in a temp directory (created by openDatabase in a subfolder, to show it makes parents). */
export function tempDbPath(): string {
  return join(tempDir(), 'data', 'ofx-mfa.sqlite');
}

/** Opens (and closes after the test) a database; several handles on one path behave like several processes. */
export function open(path: string): Database {
  const db = openDatabase(path);
  cleanups.push(() => {
    if (db.sqlite.open) db.close();
  });
  return db;
}

export const testKey = Buffer.alloc(32, 7);
export const testBox = SecretBox.fromKey(testKey);

export interface Fixture {
  db: Database;
  path: string;
  member: Member;
  connection: ConnectionRow;
}

/** The fields of the fixture's connection, to add more connections to the same database. */
export const sampleConnection = {
  name: 'credit-union',
  url: 'https://ofx.example.test/ofx',
  org: 'EXCU',
  fid: '1234',
  version: '103',
  userId: 'alice',
  password: 'hunter2-password',
} as const;

export function fixture(overrides: Partial<NewConnection> = {}): Fixture {
  const path = tempDbPath();
  const db = open(path);
  const member = ensureLocalMember(db, 'local:alice');
  const connection = createConnection(db, testBox, {
    memberId: member.id,
    ...sampleConnection,
    ...overrides,
  });
  return { db, path, member, connection };
}

export function txn(fitid: string, amount: string, posted = '2026-10-01T12:00:00.000Z'): Transaction {
  return { fitid, type: 'DEBIT', posted, amount, name: `Payee ${fitid}`, memo: null, checkNumber: null };
}

export function statement(accountId: string, transactions: Transaction[], ledger: string | null = '1000.00'): Statement {
  return {
    kind: 'bank',
    trnuid: '1',
    status: { code: 0, severity: 'INFO', message: null },
    currency: 'USD',
    account: { kind: 'bank', accountId, accountType: 'CHECKING', bankId: '011000015', brokerId: null },
    start: '2026-09-01T00:00:00.000Z',
    end: '2026-10-05T00:00:00.000Z',
    ledgerBalance: ledger === null ? null : { amount: ledger, asOf: '2026-10-05T00:00:00.000Z' },
    availableBalance: null,
    transactions,
    positions: [],
  };
}
