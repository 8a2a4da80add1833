import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { toStatementJson } from '../../../core/ofx/statement-json.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/ofx');
const json = (name: string): unknown => JSON.parse(JSON.stringify(toStatementJson(parseOfx(readFileSync(join(FIXTURES, name))))));

describe('statement JSON (DESIGN 4.2)', () => {
  it('has exactly the documented shape for bank and credit card statements', () => {
    expect(json('xml-multiple-statements.ofx')).toEqual({
      header: { version: '211', format: 'xml' },
      signon: {
        status: { code: 0, severity: 'INFO', message: null },
        serverTime: '2026-01-05T12:00:00.000Z',
        language: 'ENG',
        fi: null,
        accessKey: 'key-123',
      },
      challenges: [],
      statements: [
        {
          kind: 'bank',
          status: { code: 0, severity: 'INFO', message: null },
          currency: 'USD',
          account: { accountId: '9100', accountType: 'CHECKING', bankId: '111', brokerId: null },
          start: '2026-01-01T00:00:00.000Z',
          end: '2026-01-05T00:00:00.000Z',
          ledgerBalance: { amount: '100.00', asOf: '2026-01-05T00:00:00.000Z' },
          availableBalance: null,
          transactions: [
            { fitid: 'X1', type: 'DEBIT', posted: '2026-01-02T12:00:00.000Z', amount: '-5.00', name: 'Café & <Co>', memo: null, checkNumber: null },
          ],
        },
        {
          kind: 'creditcard',
          status: { code: 0, severity: 'INFO', message: null },
          currency: 'CAD',
          account: { accountId: '4111111111111111', accountType: null, bankId: null, brokerId: null },
          start: '2026-01-01T00:00:00.000Z',
          end: '2026-01-05T00:00:00.000Z',
          ledgerBalance: { amount: '-250.10', asOf: '2026-01-05T00:00:00.000Z' },
          availableBalance: null,
          transactions: [
            { fitid: 'C1', type: 'CREDIT', posted: '2026-01-03T00:00:00.000Z', amount: '25.00', name: null, memo: 'Refund', checkNumber: null },
          ],
        },
      ],
    });
  });

  it('lists challenges with id, label and built-in label only', () => {
    const out = json('mfa-challenge-3000.ofx') as { challenges: unknown[]; signon: { status: unknown; fi: unknown } };
    expect(out.challenges).toEqual([
      { id: 'MFA16', label: null, builtInLabel: "Mother's maiden name" },
      { id: 'MFA5', label: 'What is your favourite colour?', builtInLabel: 'Favorite color' },
      { id: 'MFA101', label: null, builtInLabel: 'Date and time, formatted YYYYMMDDHHMMSS (24-hour)' },
      { id: 'MFA107', label: null, builtInLabel: 'User-Agent' },
      { id: 'BANK42', label: 'Name of your first teacher', builtInLabel: null },
    ]);
    expect(out.signon.status).toEqual({ code: 3000, severity: 'ERROR', message: 'MFA challenge required' });
    expect(out.signon.fi).toEqual({ org: 'SIMBANK', fid: '9999' });
  });

  it('puts investment transactions in transactions with their aggregate name and TOTAL', () => {
    const out = json('investment-statement.ofx') as { statements: Array<Record<string, unknown>> };
    const [statement] = out.statements;
    expect(Object.keys(statement ?? {})).toEqual([
      'kind', 'status', 'currency', 'account', 'start', 'end', 'ledgerBalance', 'availableBalance', 'transactions',
    ]);
    expect(statement?.account).toEqual({ accountId: 'INV-1', accountType: null, bankId: null, brokerId: 'broker.example' });
    expect((statement?.transactions as Array<{ type: string; amount: string }>).map((t) => `${t.type} ${t.amount}`)).toEqual([
      'BUYSTOCK -125.00',
      'INCOME 3.21',
      'TRANSFER 0',
      'INVBANKTRAN 500.00',
    ]);
  });

  it('gives null signon for a request and keeps the SGML header version', () => {
    expect(json('request-statement.ofx')).toEqual({ header: { version: '103', format: 'sgml' }, signon: null, challenges: [], statements: [] });
  });
});
