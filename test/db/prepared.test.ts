/**
 * db/prepared.ts keeps the statements every sync runs prepared, one set per open database (issue 10). A statement
 * prepared on one database must never run on another: two databases open in one process (the bot and a backup,
 * a test and its fixture) each write and read their own file, and a database opened again prepares afresh.
 */
import { describe, expect, it } from 'vitest';
import { listAccounts } from '../../db/repositories/accounts.ts';
import { getConnection, markSynced } from '../../db/repositories/connections.ts';
import { saveStatements } from '../../db/repositories/statements.ts';
import { finishSyncRun, getSyncRun, startSyncRun } from '../../db/repositories/sync-runs.ts';
import { fixture, open, statement, txn } from './helpers.ts';

describe('statements prepared once per database', () => {
  it('run on the database they were prepared for, never on another open one', () => {
    const a = fixture();
    const b = fixture();
    const runA = startSyncRun(a.db, a.connection.id, 'test');
    saveStatements(a.db, runA, a.connection.id, [statement('111', [txn('A1', '-1.00'), txn('A2', '-2.00')])]);
    markSynced(a.db, a.connection.id, new Date('2026-10-02T00:00:00Z'));
    finishSyncRun(a.db, runA, { outcome: 'ok', challenged: true, newTransactions: 2, accounts: 1 });

    // The same statements, now on b: nothing of a's shows there, and a is untouched by b's writes.
    expect(listAccounts(b.db, b.connection.id)).toEqual([]);
    expect(getConnection(b.db, b.member.id, b.connection.name)?.lastSyncedAt).toBeNull();
    const runB = startSyncRun(b.db, b.connection.id, 'test');
    const [savedB] = saveStatements(b.db, runB, b.connection.id, [statement('222', [txn('B1', '-3.00')])]);
    expect(savedB?.newTransactions).toBe(1);
    expect(listAccounts(a.db, a.connection.id).map((x) => x.accountId)).toEqual(['111']);
    expect(listAccounts(b.db, b.connection.id).map((x) => x.accountId)).toEqual(['222']);
    expect(getConnection(a.db, a.member.id, a.connection.name)?.lastSyncedAt).toBe('2026-10-02T00:00:00.000Z');
    expect(getSyncRun(a.db, runA)).toMatchObject({ state: 'ok', challenged: true, newTransactions: 2, accountCount: 1 });
    expect(getSyncRun(b.db, runB)).toMatchObject({ state: 'running' });
  });

  it('are prepared again for a database closed and opened again', () => {
    const a = fixture();
    saveStatements(a.db, null, a.connection.id, [statement('111', [txn('A1', '-1.00')])]);
    a.db.close();
    const again = open(a.path);
    const [saved] = saveStatements(again, null, a.connection.id, [statement('111', [txn('A1', '-1.00'), txn('A2', '-2.00')])]);
    expect(saved?.newTransactions).toBe(1);
    expect(listAccounts(again, a.connection.id)).toHaveLength(1);
  });
});
