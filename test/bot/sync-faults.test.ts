/**
 * Issue 10 "Faults", through the sync service every front end uses: the simulated bank's fault modes (a hang,
 * HTTP 500, a reset connection, a truncated body, an HTML page instead of OFX, a 3000 loop, a lockout) each end
 * in the right one-line message, the sync run recorded with that outcome, and nothing of the failed sync stored,
 * while everything stored before stays. And a sync's writes commit together or not at all, shown with a failure
 * injected into the database after the first account's transactions were written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChallengeOutcome } from '../../core/sync/types.ts';
import type { AppContext } from '../../bot/context.ts';
import { syncConnection, type FrontChallenger, type SyncReport } from '../../bot/sync-service.ts';
import {
  createConnection,
  ensureLocalMember,
  getConnectionById,
  listAccounts,
  listSyncRuns,
  listTransactions,
  openDatabase,
  SecretBox,
  type ConnectionRow,
} from '../../db/index.ts';
import { defaultUsers, DEFAULT_QUESTIONS, startSimBank, type RequestLogEntry, type SimBank, type SimBankVersion } from '../../sim/bank/index.ts';

const RIGHT = { MFA16: 'Smith', SIMQ1: 'Rex' };
const WRONG = { MFA16: 'Jones', SIMQ1: 'Fido' };
const DAY_MS = 86_400_000;

function answering(answers: Record<string, string>): FrontChallenger {
  return { ask: async (): Promise<ChallengeOutcome> => ({ kind: 'answered', answers: new Map(Object.entries(answers)) }) };
}

describe.each<SimBankVersion>(['211', '103'])('sync faults against the simulated bank, OFX %s', (version) => {
  let bank: SimBank;
  let dir: string;
  let app: AppContext;
  let clock: Date;
  let memberId: number;
  let log: RequestLogEntry[];

  const admin = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(bank.url.replace(/\/ofx$/, '') + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
  };
  const connect = (name: string, user: string): ConnectionRow =>
    createConnection(app.db, app.box, { memberId, name, url: bank.url, org: 'SIMBANK', fid: '1001', version, userId: user, password: `${user}-password` });
  const sync = (row: ConnectionRow, answers: Record<string, string> = RIGHT, timeoutMs = 10_000): Promise<SyncReport> =>
    syncConnection(app, { memberId, connectionId: row.id, trigger: 'test', attended: true, challenger: answering(answers), now: () => clock, transport: { timeoutMs } });
  /** Everything a failed sync must leave as it was. */
  const stored = (row: ConnectionRow) => ({
    transactions: listTransactions(app.db, row.id),
    accounts: listAccounts(app.db, row.id).map((a) => ({ id: a.accountId, ledger: a.ledgerBalance, available: a.availableBalance, goodAt: a.lastGoodAt })),
    lastSyncedAt: getConnectionById(app.db, row.id)?.lastSyncedAt ?? null,
  });
  const lastRun = (row: ConnectionRow) => listSyncRuns(app.db, row.id, 1)[0]!;

  beforeEach(async () => {
    clock = new Date('2026-10-05T15:00:00.000Z');
    log = [];
    const loop = { userId: 'loop', password: 'loop-password', scenario: { name: 'loop', questions: DEFAULT_QUESTIONS, challengeLoop: true } };
    bank = await startSimBank({ port: 0, version, now: () => clock, users: [...defaultUsers(), loop], onRequest: (e) => log.push(e) });
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-faults-'));
    const path = join(dir, 'ofx.sqlite');
    app = { db: openDatabase(path), box: SecretBox.load(path, {}), dbPath: path };
    memberId = ensureLocalMember(app.db, 'local:faults').id;
  });
  afterEach(async () => {
    app.db.close();
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['hang', /timed? ?out|time/i],
    ['http-500', /\b500\b/],
    ['reset', /reset|closed|network/i],
    ['truncated', /cut off before its end/],
    ['garbage', /not OFX|not an OFX|HTML/i],
  ])('%s: one clear line, the run recorded as an error, nothing of it stored, everything before kept', async (fault, message) => {
    const row = connect('home', 'demo');
    const first = await sync(row);
    expect(first).toMatchObject({ outcome: 'ok', challenged: true, accessKeyStored: true });
    const before = stored(row);
    expect(before.transactions.length).toBeGreaterThan(0);

    // Two days later the bank has new transactions, but its next answer misbehaves.
    clock = new Date(clock.getTime() + 2 * DAY_MS);
    await admin('/admin/faults', { fault, count: 1, user: 'demo' });
    const failed = await sync(row, RIGHT, 1500);
    expect(failed.outcome).toBe('error');
    expect(failed.status.message).toMatch(message);
    expect(failed.status.message).not.toMatch(/[\r\n]/);
    expect(failed.status.message).not.toContain('demo-password');
    expect(lastRun(row)).toMatchObject({ state: 'error', message: failed.status.message, newTransactions: 0 });
    expect(stored(row)).toEqual(before);

    // The fault is gone: the stored key still signs on, and the new days arrive.
    const next = await sync(row);
    expect(next).toMatchObject({ outcome: 'ok', challenged: false });
    expect(stored(row).transactions.length).toBeGreaterThan(before.transactions.length);
  });

  it('a 3000 right after accepted answers stops the sync (answers sent once), recorded, with nothing stored', async () => {
    const row = connect('loop', 'loop');
    const report = await sync(row);
    expect(report.outcome).toBe('error');
    expect(report.challenged).toBe(true);
    expect(report.accessKeyStored).toBe(false);
    expect(report.status.message).toMatch(/new challenge right after receiving the answers.*stopping/);
    expect(lastRun(row)).toMatchObject({ state: 'error', challenged: true, message: report.status.message });
    expect(stored(row)).toEqual({ transactions: [], accounts: [], lastSyncedAt: null });
    // The answers went to the bank exactly once, never again on the sync's own initiative.
    expect(log.filter((e) => e.user === 'loop' && e.answersSent > 0)).toHaveLength(1);
  });

  it('wrong answers are rejected (3001) and never resent; the third set locks out (15502), each run recorded', async () => {
    const row = connect('home', 'demo');
    expect((await sync(row)).outcome).toBe('ok');
    const before = stored(row);
    await admin('/admin/revoke-keys', { user: 'demo' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const rejected = await sync(row, WRONG);
      expect(rejected).toMatchObject({ outcome: 'answers-rejected', status: { code: 3001 } });
      expect(rejected.status.message).toMatch(/3001/);
      expect(lastRun(row)).toMatchObject({ state: 'answers-rejected', statusCode: 3001 });
      // One answer set per sync reached the bank: the rejected one was not tried again.
      expect(log.filter((e) => e.user === 'demo' && e.answersSent > 0)).toHaveLength(1 + attempt);
    }
    const locked = await sync(row, RIGHT);
    expect(locked).toMatchObject({ outcome: 'signon-refused', status: { code: 15502 } });
    expect(locked.status.message).toMatch(/15502/);
    expect(locked.status.message).toMatch(/call the bank|contact/i);
    expect(lastRun(row)).toMatchObject({ state: 'signon-refused', statusCode: 15502 });
    expect(stored(row)).toEqual(before);
  });

  it("writes all or nothing: a database failure after the first account's transactions leaves none of the sync's writes", async () => {
    const row = connect('home', 'demo');
    expect((await sync(row)).outcome).toBe('ok');
    const before = stored(row);
    expect(before.accounts.length).toBeGreaterThan(1);
    clock = new Date(clock.getTime() + 3 * DAY_MS);
    // Fails the first insert into a second account once this run has written rows for one account.
    app.db.sqlite.exec(`
      CREATE TEMP TRIGGER fail_after_first_account BEFORE INSERT ON transactions
      WHEN EXISTS (SELECT 1 FROM transactions WHERE first_seen_run_id = NEW.first_seen_run_id AND account_id <> NEW.account_id)
      BEGIN SELECT RAISE(ABORT, 'injected failure after the first account'); END;`);
    await expect(sync(row)).rejects.toThrow(/injected failure after the first account/);
    const run = lastRun(row);
    expect(run).toMatchObject({ state: 'error', message: expect.stringMatching(/injected failure/) });
    // The first account's rows were written inside the transaction before the failure: none of them stayed.
    expect(app.db.sqlite.prepare('SELECT count(*) FROM transactions WHERE first_seen_run_id = ?').pluck().get(run.id)).toBe(0);
    expect(stored(row)).toEqual(before);

    app.db.sqlite.exec('DROP TRIGGER fail_after_first_account');
    const retried = await sync(row);
    expect(retried).toMatchObject({ outcome: 'ok', challenged: false });
    const after = stored(row);
    expect(new Set(retried.accounts.filter((a) => a.newTransactions > 0).map((a) => a.accountId)).size).toBeGreaterThan(1);
    expect(after.transactions.length).toBe(before.transactions.length + retried.accounts.reduce((n, a) => n + a.newTransactions, 0));
  });
});
