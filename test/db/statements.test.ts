import { describe, expect, it } from 'vitest';
import type { AccountInfo } from '../../core/ofx/types.ts';
import { listAccounts, upsertAccounts } from '../../db/repositories/accounts.ts';
import { saveStatements } from '../../db/repositories/statements.ts';
import { listTransactions } from '../../db/repositories/transactions.ts';
import { startSyncRun } from '../../db/repositories/sync-runs.ts';
import { fixture, statement, txn } from './helpers.ts';

const count = (db: ReturnType<typeof fixture>['db'], table: string) =>
  db.sqlite.prepare(`select count(*) from ${table}`).pluck().get();

describe('accounts', () => {
  it('upsertAccounts adds new accounts and fills in details without erasing known ones', () => {
    const { db, connection } = fixture();
    upsertAccounts(db, connection.id, [
      { kind: 'bank', accountId: '111', accountType: 'CHECKING', bankId: '011000015', brokerId: null },
    ]);
    const discovered: AccountInfo = {
      kind: 'bank',
      accountId: '111',
      accountType: null,
      bankId: null,
      brokerId: null,
      description: 'Everyday checking',
      serviceStatus: 'ACTIVE',
    };
    const rows = upsertAccounts(db, connection.id, [
      discovered,
      { kind: 'creditcard', accountId: '4111', accountType: null, bankId: null, brokerId: null },
    ]);
    expect(rows).toHaveLength(2);
    const [checking, card] = listAccounts(db, connection.id);
    expect(checking).toMatchObject({ accountId: '111', accountType: 'CHECKING', bankId: '011000015', description: 'Everyday checking', serviceStatus: 'ACTIVE' });
    expect(card).toMatchObject({ kind: 'creditcard', accountId: '4111' });
    expect(count(db, 'accounts')).toBe(2);
  });
});

describe('saveStatements', () => {
  it('stores accounts, transactions and balances, and reports new transactions per account', () => {
    const { db, connection } = fixture();
    const runId = startSyncRun(db, connection.id, 'test');
    const saved = saveStatements(db, runId, connection.id, [
      statement('111', [txn('t1', '-1234.50'), txn('t2', '0.10', '2026-10-02T00:00:00.000Z')], '2500.00'),
      statement('222', [txn('t1', '100')], '-0.01'),
    ]);
    expect(saved).toEqual([
      expect.objectContaining({ accountId: '111', kind: 'bank', newTransactions: 2, ledgerBalance: '2500.00' }),
      expect.objectContaining({ accountId: '222', kind: 'bank', newTransactions: 1, ledgerBalance: '-0.01' }),
    ]);
    const accounts = listAccounts(db, connection.id);
    expect(accounts.map((a) => [a.accountId, a.ledgerBalance, a.ledgerBalanceAsOf, a.currency])).toEqual([
      ['111', '2500.00', '2026-10-05T00:00:00.000Z', 'USD'],
      ['222', '-0.01', '2026-10-05T00:00:00.000Z', 'USD'],
    ]);
    expect(db.sqlite.prepare('select distinct first_seen_run_id from transactions').pluck().all()).toEqual([runId]);
  });

  it('keeps amounts as the exact strings the bank sent, stored as TEXT', () => {
    const { db, connection } = fixture();
    const amounts = ['0.10', '-1234.50', '100', '-0.00', '12345678901234567890.12', '.5'];
    saveStatements(db, null, connection.id, [statement('111', amounts.map((a, i) => txn(`f${i}`, a)))]);
    expect(listTransactions(db, connection.id).map((t) => t.amount)).toEqual(amounts);
    expect(db.sqlite.prepare('select distinct typeof(amount) from transactions').pluck().all()).toEqual(['text']);
  });

  it('re-saving the same statements adds no duplicates; new FITIDs are added', () => {
    const { db, connection } = fixture();
    const first = [statement('111', [txn('t1', '1.00'), txn('t2', '2.00')])];
    saveStatements(db, null, connection.id, first);
    const again = saveStatements(db, null, connection.id, first);
    expect(again[0]?.newTransactions).toBe(0);
    const more = saveStatements(db, null, connection.id, [statement('111', [txn('t2', '2.00'), txn('t3', '3.00')])]);
    expect(more[0]?.newTransactions).toBe(1);
    expect(count(db, 'transactions')).toBe(3);
  });

  it('the same FITID in two accounts is two transactions', () => {
    const { db, connection } = fixture();
    const saved = saveStatements(db, null, connection.id, [
      statement('111', [txn('same', '1.00')]),
      statement('222', [txn('same', '1.00')]),
    ]);
    expect(saved.map((s) => s.newTransactions)).toEqual([1, 1]);
  });

  it('handles more transactions than one INSERT batch', () => {
    const { db, connection } = fixture();
    const many = Array.from({ length: 1234 }, (_, i) => txn(`f${i}`, `${i}.01`));
    expect(saveStatements(db, null, connection.id, [statement('111', many)])[0]?.newTransactions).toBe(1234);
    expect(saveStatements(db, null, connection.id, [statement('111', many)])[0]?.newTransactions).toBe(0);
  });

  it('writes all or nothing: a failure in the second statement leaves nothing of the first', () => {
    const { db, connection } = fixture();
    saveStatements(db, null, connection.id, [statement('111', [txn('old', '5.00')], '10.00')]);
    const broken = statement('222', [txn('x', 'not a number')]);
    expect(() =>
      saveStatements(db, null, connection.id, [
        statement('111', [txn('new1', '1.00'), txn('new2', '2.00')], '99.99'),
        broken,
      ]),
    ).toThrow(/CHECK constraint failed/);
    expect(listTransactions(db, connection.id).map((t) => t.fitid)).toEqual(['old']);
    expect(listAccounts(db, connection.id).map((a) => [a.accountId, a.ledgerBalance])).toEqual([['111', '10.00']]);
  });

  it('a statement without balances keeps the balances already known', () => {
    const { db, connection } = fixture();
    saveStatements(db, null, connection.id, [statement('111', [], '10.00')]);
    const saved = saveStatements(db, null, connection.id, [statement('111', [txn('a', '1.00')], null)]);
    expect(saved[0]?.ledgerBalance).toBe('10.00');
  });
});

describe('listTransactions', () => {
  it('returns the DESIGN 4.1 JSON shape, oldest first, for this connection only, filtered by since', () => {
    const { db, connection } = fixture();
    const other = fixture();
    saveStatements(db, null, connection.id, [
      statement('111', [
        { fitid: 'b', type: 'CHECK', posted: '2026-10-03T00:00:00.000Z', amount: '-20.00', name: 'Rent', memo: 'Oct', checkNumber: '1001' },
        txn('a', '5.00', '2026-09-15T08:30:00.000Z'),
      ]),
    ]);
    saveStatements(other.db, null, other.connection.id, [statement('999', [txn('z', '1.00')])]);

    expect(listTransactions(db, connection.id)).toEqual([
      { accountId: '111', fitid: 'a', posted: '2026-09-15T08:30:00.000Z', amount: '5.00', type: 'DEBIT', name: 'Payee a', memo: null },
      { accountId: '111', fitid: 'b', posted: '2026-10-03T00:00:00.000Z', amount: '-20.00', type: 'CHECK', name: 'Rent', memo: 'Oct' },
    ]);
    expect(listTransactions(db, connection.id, { since: '2026-10-01' }).map((t) => t.fitid)).toEqual(['b']);
    expect(listTransactions(db, connection.id, { since: new Date('2026-09-15T08:30:00.000Z') }).map((t) => t.fitid)).toEqual(['a', 'b']);
    expect(() => listTransactions(db, connection.id, { since: 'yesterday-ish' })).toThrow(RangeError);
  });
});
