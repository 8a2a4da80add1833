import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decimalToCents } from '../../sim/bank/money.ts';
import { DEFAULT_QUESTIONS, MANY_QUESTIONS } from '../../sim/bank/index.ts';
import type { ExpectedStatement } from '../../sim/bank/index.ts';
import type { Statement } from '../../core/ofx/types.ts';
import { BROKERAGE, CARD, CHECKING, SAVINGS, correctAnswers, signonCode, startTestBank } from './bank-client.ts';
import type { TestBank } from './bank-client.ts';

const DAY = 86_400_000;

function sumCents(s: Statement): number {
  return s.transactions.reduce((sum, t) => sum + decimalToCents(t.amount), 0);
}

describe.each(['103', '211'] as const)('simulated bank statements, OFX %s', (version) => {
  let t: TestBank;
  let key: string;
  beforeEach(async () => {
    t = await startTestBank(version);
    const first = await t.send({ userId: 'demo', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, []);
    expect(signonCode(first)).toBe(0);
    key = first.parsed.signon?.accessKey ?? '';
  });
  afterEach(async () => {
    await t.bank.close();
  });

  const expected = async (account: string, start?: Date, end?: Date): Promise<ExpectedStatement> => {
    const q = new URLSearchParams({ user: 'demo', account });
    if (start) q.set('start', start.toISOString());
    if (end) q.set('end', end.toISOString());
    const r = await t.admin<ExpectedStatement>(`/admin/statement?${q.toString()}`);
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lists the accounts: checking, savings, a card and a brokerage account, all ACTIVE', async () => {
    const x = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'accounts' }]);
    expect(x.parsed.accountList?.status.code).toBe(0);
    expect(x.parsed.accountList?.accounts.map((a) => [a.kind, a.accountId, a.accountType, a.bankId, a.brokerId, a.serviceStatus])).toEqual([
      ['bank', '1000123456', 'CHECKING', '123456789', null, 'ACTIVE'],
      ['bank', '1000654321', 'SAVINGS', '123456789', null, 'ACTIVE'],
      ['creditcard', '4000001234567899', null, null, null, 'ACTIVE'],
      ['investment', 'X0001234', null, null, 'simbank.example', 'ACTIVE'],
    ]);
  });

  it('honours DTSTART/DTEND and matches the generator the admin endpoint exposes', async () => {
    const start = new Date('2026-01-10T00:00:00.000Z');
    const end = new Date('2026-02-10T00:00:00.000Z');
    const x = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'statement', account: CHECKING, start, end }]);
    const s = x.parsed.statements[0];
    expect(s?.trnuid).toBe(x.trnuids[0]);
    expect(s?.start).toBe(start.toISOString());
    expect(s?.end).toBe(end.toISOString());
    expect(s?.transactions.length).toBeGreaterThan(10);
    for (const tr of s?.transactions ?? []) {
      expect(tr.posted >= start.toISOString() && tr.posted < end.toISOString()).toBe(true);
    }
    const want = await expected('1000123456', start, end);
    expect(s?.transactions.map((tr) => [tr.fitid, tr.type, tr.posted, tr.amount, tr.name, tr.memo, tr.checkNumber])).toEqual(
      want.transactions.map((tr) => [tr.fitid, tr.type, tr.posted, tr.amount, tr.name, tr.memo, tr.checkNumber]),
    );
    expect(s?.ledgerBalance?.amount).toBe(want.ledgerBalance.amount);
  });

  it('uses a 90-day window ending now when the request has no dates, and never serves the future', async () => {
    const x = await t.send({ userId: 'demo', accessKey: key }, [
      { kind: 'statement', account: CHECKING, end: new Date(t.clock.now().getTime() + 30 * DAY) },
      { kind: 'statement', account: SAVINGS },
    ]);
    const [capped, defaulted] = x.parsed.statements;
    expect(capped?.end).toBe(t.clock.now().toISOString());
    expect(defaulted?.start).toBe(new Date(t.clock.now().getTime() - 90 * DAY).toISOString());
    expect(defaulted?.end).toBe(t.clock.now().toISOString());
  });

  it('keeps LEDGERBAL consistent with the transactions (in cents) and chains adjacent windows', async () => {
    const a = new Date('2025-11-01T00:00:00.000Z');
    const b = new Date('2025-12-01T00:00:00.000Z');
    const c = new Date('2026-01-01T00:00:00.000Z');
    for (const account of [CHECKING, SAVINGS, CARD] as const) {
      const x = await t.send({ userId: 'demo', accessKey: key }, [
        { kind: 'statement', account, start: a, end: b },
        { kind: 'statement', account, start: b, end: c },
      ]);
      const [first, second] = x.parsed.statements;
      if (!first || !second) throw new Error('two statements expected');
      const want = await expected(account.accountId, a, b);
      expect(decimalToCents(want.openingBalance.amount) + sumCents(first)).toBe(decimalToCents(first.ledgerBalance?.amount ?? ''));
      expect(decimalToCents(first.ledgerBalance?.amount ?? '') + sumCents(second)).toBe(decimalToCents(second.ledgerBalance?.amount ?? ''));
      expect(first.ledgerBalance?.asOf).toBe(b.toISOString());
      expect(first.ledgerBalance?.amount).toMatch(/^-?\d+\.\d{2}$/);
    }
  });

  it('keeps FITIDs stable across requests and overlapping windows', async () => {
    const w1 = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') };
    const w2 = { start: new Date('2026-01-15T00:00:00Z'), end: new Date('2026-02-15T00:00:00Z') };
    const one = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'statement', account: CARD, ...w1 }]);
    const two = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'statement', account: CARD, ...w2 }]);
    const again = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'statement', account: CARD, ...w1 }]);
    const byFitid = (s: Statement | undefined) => new Map((s?.transactions ?? []).map((tr) => [tr.fitid, tr]));
    expect([...byFitid(again.parsed.statements[0]).entries()]).toEqual([...byFitid(one.parsed.statements[0]).entries()]);
    const overlap = [...byFitid(one.parsed.statements[0]).values()].filter((tr) => tr.posted >= w2.start.toISOString());
    expect(overlap.length).toBeGreaterThan(0);
    const second = byFitid(two.parsed.statements[0]);
    for (const tr of overlap) expect(second.get(tr.fitid)).toEqual(tr);
    expect(new Set([...byFitid(one.parsed.statements[0]).keys()]).size).toBe(one.parsed.statements[0]?.transactions.length);
  });

  it('carries checks, credits and debits, and names with & and memos with accents intact', async () => {
    const x = await t.send({ userId: 'demo', accessKey: key }, [
      { kind: 'statement', account: CHECKING, start: new Date('2025-09-15T00:00:00Z'), end: new Date('2026-03-15T00:00:00Z') },
    ]);
    const txs = x.parsed.statements[0]?.transactions ?? [];
    const check = txs.find((tr) => tr.type === 'CHECK');
    expect(check?.checkNumber).toMatch(/^\d+$/);
    expect(txs.some((tr) => decimalToCents(tr.amount) > 0)).toBe(true);
    expect(txs.some((tr) => decimalToCents(tr.amount) < 0)).toBe(true);
    expect(txs.map((tr) => tr.name)).toEqual(expect.arrayContaining(['AT&T', 'Procter & Gamble', 'Café Crème']));
    expect(txs.map((tr) => tr.memo)).toContain('Café Crème & croissant');
    // On the wire: escaped '&', and accents as 1252 bytes (SGML) or UTF-8 (XML).
    const raw = Buffer.from(x.bytes).toString('latin1');
    expect(raw).toContain('AT&amp;T');
    expect(raw).toContain(version === '103' ? 'Caf\u00e9 Cr\u00e8me' : 'Caf\u00c3\u00a9');
  });

  it('serves an investment statement: transactions, positions, balance and the securities list', async () => {
    const start = new Date('2025-12-01T00:00:00Z');
    const end = new Date('2026-03-01T00:00:00Z');
    const x = await t.send({ userId: 'demo', accessKey: key }, [{ kind: 'statement', account: BROKERAGE, start, end }]);
    const s = x.parsed.statements[0];
    expect(s?.kind).toBe('investment');
    expect(s?.status.code).toBe(0);
    expect(s?.account).toMatchObject({ accountId: 'X0001234', brokerId: 'simbank.example' });
    expect(new Set(s?.transactions.map((tr) => tr.type))).toEqual(new Set(['INVBANKTRAN', 'BUYSTOCK', 'INCOME']));
    const want = await expected('X0001234', start, end);
    expect(s?.transactions.map((tr) => [tr.fitid, tr.amount])).toEqual(want.transactions.map((tr) => [tr.fitid, tr.amount]));
    expect(s?.positions.map((p) => [p.securityId?.uniqueId, p.units, p.unitPrice, p.marketValue])).toEqual(
      want.positions.map((p) => [p.uniqueId, p.units, p.unitPrice, p.marketValue]),
    );
    const raw = Buffer.from(x.bytes).toString('latin1');
    expect(raw).toContain('<SECLISTMSGSRSV1>');
    expect(raw).toMatch(/<SECNAME>Procter &amp; Gamble Co/);
    expect(raw).toContain('<AVAILCASH>');
  });

  it('answers 2003 for an unknown account, and still serves the other statements of the request', async () => {
    const x = await t.send({ userId: 'demo', accessKey: key }, [
      { kind: 'statement', account: { ...CHECKING, accountId: '999' } },
      { kind: 'statement', account: { kind: 'creditcard', accountId: '1111' } },
      { kind: 'statement', account: SAVINGS },
    ]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.transactionStatuses.map((s) => [s.wrapper, s.trnuid, s.status.code])).toEqual([
      ['STMTTRNRS', x.trnuids[0], 2003],
      ['STMTTRNRS', x.trnuids[2], 0],
      ['CCSTMTTRNRS', x.trnuids[1], 2003],
    ]);
  });

  it('seeds data per user: another user sees other transactions on the same account', async () => {
    const many = await t.send({ userId: 'many', answers: correctAnswers(MANY_QUESTIONS, t.clock.now()) }, [
      { kind: 'statement', account: CARD, start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') },
    ]);
    const demo = await t.send({ userId: 'demo', accessKey: key }, [
      { kind: 'statement', account: CARD, start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') },
    ]);
    expect(many.parsed.statements[0]?.transactions.map((tr) => tr.amount)).not.toEqual(demo.parsed.statements[0]?.transactions.map((tr) => tr.amount));
  });
});
