import { describe, expect, it } from 'vitest';
import { centsToDecimal, decimalToCents } from '../../sim/bank/money.ts';
import { plausibleClientAnswer } from '../../sim/bank/answers.ts';
import { HISTORY_START, Ledger } from '../../sim/bank/ledger.ts';
import { SIM_ACCOUNTS } from '../../sim/bank/accounts.ts';

const NOW = new Date('2026-03-15T12:00:00.000Z');

describe('simulated bank books', () => {
  it('writes cents as decimal strings and reads them back exactly', () => {
    expect([0, 5, -5, 1234, -123456789, 100].map(centsToDecimal)).toEqual(['0.00', '0.05', '-0.05', '12.34', '-1234567.89', '1.00']);
    expect(['0.00', '-0.05', '12.3', '+7', '1,50'].map(decimalToCents)).toEqual([0, -5, 1230, 700, 150]);
    expect(() => centsToDecimal(0.5)).toThrow(RangeError);
  });

  it('generates the same transactions from a fresh ledger (seeded, no Math.random)', () => {
    for (const account of SIM_ACCOUNTS) {
      const a = new Ledger().statement('demo', account, { start: new Date('2025-01-01T00:00:00Z') }, NOW);
      const b = new Ledger().statement('demo', account, { start: new Date('2025-01-01T00:00:00Z') }, NOW);
      expect(b).toEqual(a);
      expect(a.ledgerBalanceCents).toBe(a.transactions.reduce((s, t) => s + t.amountCents, a.openingBalanceCents));
      for (const t of a.transactions) expect(Number.isSafeInteger(t.amountCents)).toBe(true);
    }
  });

  it('clamps windows to the history start and the clock', () => {
    const checking = SIM_ACCOUNTS[0];
    if (!checking) throw new Error('no accounts');
    const s = new Ledger().statement('demo', checking, { start: new Date('1999-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z') }, NOW);
    expect(s.start).toEqual(HISTORY_START);
    expect(s.end).toEqual(NOW);
    const empty = new Ledger().statement('demo', checking, { start: new Date('2026-03-20T00:00:00Z') }, NOW);
    expect(empty.transactions).toEqual([]);
    expect(empty.start).toEqual(NOW);
  });

  it('checks client-side answers for plausibility only', () => {
    expect(plausibleClientAnswer('MFA101', '20260315070000', NOW)).toBe(true);
    expect(plausibleClientAnswer('MFA101', '20261315070000', NOW)).toBe(false);
    expect(plausibleClientAnswer('MFA101', '2026-03-15 07:00', NOW)).toBe(false);
    expect(plausibleClientAnswer('MFA101', '20260313070000', NOW)).toBe(false);
    expect(plausibleClientAnswer('MFA107', 'Quicken/2700 (Windows)', NOW)).toBe(true);
    expect(plausibleClientAnswer('MFA107', 'Quicken', NOW)).toBe(false);
    expect(plausibleClientAnswer('MFA102', 'host.example', NOW)).toBe(true);
    expect(plausibleClientAnswer('MFA103', '  ', NOW)).toBe(false);
  });
});
