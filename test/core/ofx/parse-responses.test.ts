import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { serializeOfx } from '../../../core/ofx/serialize.ts';
import { aggregate, leaf, pathText } from '../../../core/ofx/tree.ts';
import { knownStatusCodes } from '../../../core/status.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/ofx');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

describe('sign-on with an MFA challenge (3000)', () => {
  const parsed = parseOfx(fixture('mfa-challenge-3000.ofx'));

  it('reads the refusing sign-on', () => {
    expect(parsed.signon).toEqual({
      status: { code: 3000, severity: 'ERROR', message: 'MFA challenge required' },
      serverTime: '2026-01-05T12:00:00.000Z',
      language: 'ENG',
      fi: { org: 'SIMBANK', fid: '9999' },
      accessKey: null,
      sessionCookie: null,
    });
  });

  it('lists every challenge with its label, the standard label, and who answers it', () => {
    expect(parsed.challenge?.trnuid).toBe('c-1');
    expect(parsed.challenge?.challenges).toEqual([
      { id: 'MFA16', label: null, builtInLabel: "Mother's maiden name", clientSide: false },
      { id: 'MFA5', label: 'What is your favourite colour?', builtInLabel: 'Favorite color', clientSide: false },
      { id: 'MFA101', label: null, builtInLabel: expect.stringContaining('YYYYMMDDHHMMSS'), clientSide: true },
      { id: 'MFA107', label: null, builtInLabel: 'User-Agent', clientSide: true },
      { id: 'BANK42', label: 'Name of your first teacher', builtInLabel: null, clientSide: false },
    ]);
    expect(parsed.transactionStatuses).toEqual([
      { wrapper: 'MFACHALLENGETRNRS', trnuid: 'c-1', status: { code: 0, severity: 'INFO', message: null } },
    ]);
  });
});

describe('profile', () => {
  it('reads SIGNONINFO flags, message sets and the FI name', () => {
    const profile = parseOfx(fixture('profile.ofx')).profile;
    expect(profile?.messageSets).toEqual(['SIGNONMSGSET', 'BANKMSGSET', 'CREDITCARDMSGSET']);
    expect(profile?.fiName).toBe('Example Credit Union');
    expect(profile?.signonInfos).toEqual([
      {
        realm: 'DEFAULT',
        minChars: 6,
        maxChars: 32,
        caseSensitive: true,
        mfaChallengeSupported: true,
        mfaChallengeFirst: true,
        clientUidRequired: true,
        userCred1Label: 'Member number',
        userCred2Label: null,
        authTokenFirst: false,
        authTokenLabel: 'Token',
        authTokenInfoUrl: 'https://bank.example/token',
      },
    ]);
  });
});

describe('account list', () => {
  it('reads bank, credit card and investment accounts', () => {
    const list = parseOfx(fixture('account-list.ofx')).accountList;
    expect(list?.status.code).toBe(0);
    expect(list?.accounts).toEqual([
      { kind: 'bank', accountId: '1111', accountType: 'CHECKING', bankId: '121000248', brokerId: null, description: 'Everyday checking', serviceStatus: 'ACTIVE' },
      { kind: 'creditcard', accountId: '4111', accountType: null, bankId: null, brokerId: null, description: 'Visa', serviceStatus: 'PEND' },
      { kind: 'investment', accountId: 'INV-9', accountType: null, bankId: null, brokerId: 'broker.example', description: 'Brokerage', serviceStatus: 'AVAIL' },
    ]);
  });
});

describe('statements', () => {
  it('reads several statements across message sets, and keeps an error wrapper out of them', () => {
    const parsed = parseOfx(fixture('xml-multiple-statements.ofx'));
    expect(parsed.statements.map((s) => [s.kind, s.trnuid, s.account.accountId, s.currency])).toEqual([
      ['bank', '1001', '9100', 'USD'],
      ['creditcard', '1003', '4111111111111111', 'CAD'],
    ]);
    expect(parsed.transactionStatuses.map((t) => [t.wrapper, t.trnuid, t.status.code])).toEqual([
      ['STMTTRNRS', '1001', 0],
      ['STMTTRNRS', '1002', 2003],
      ['CCSTMTTRNRS', '1003', 0],
    ]);
    expect(parsed.transactionStatuses[1]?.status).toEqual({ code: 2003, severity: 'ERROR', message: 'Account not found' });
    const card = parsed.statements[1];
    expect(card?.ledgerBalance).toEqual({ amount: '-250.10', asOf: '2026-01-05T00:00:00.000Z' });
    expect(card?.transactions).toEqual([
      { fitid: 'C1', type: 'CREDIT', posted: '2026-01-03T00:00:00.000Z', amount: '25.00', name: null, memo: 'Refund', checkNumber: null },
    ]);
  });

  it('reads a sloppy SGML bank statement: zones, decimal commas, grouping, PAYEE names', () => {
    const [statement] = parseOfx(fixture('sgml-sloppy-statement.ofx')).statements;
    expect(statement?.account).toEqual({ kind: 'bank', accountId: '0001234', accountType: 'CHECKING', bankId: '121000248', brokerId: null });
    expect(statement?.start).toBe('2026-01-01T00:00:00.000Z');
    expect(statement?.end).toBe('2026-01-05T17:00:00.000Z');
    expect(statement?.transactions.map((t) => [t.fitid, t.posted, t.amount])).toEqual([
      ['A1', '2026-01-02T00:00:00.000Z', '-12.34'],
      ['A2', '2026-01-03T12:00:00.000Z', '100.50'],
      ['A3', '2026-01-04T04:00:00.500Z', '1234.56'],
    ]);
    expect(statement?.ledgerBalance).toEqual({ amount: '1234.56', asOf: '2026-01-05T22:00:00.000Z' });
    expect(statement?.availableBalance).toEqual({ amount: '-0.5', asOf: '2026-01-05T00:00:00.000Z' });
  });

  it('reads an investment statement: transaction types, totals, bank transactions and positions', () => {
    const [statement] = parseOfx(fixture('investment-statement.ofx')).statements;
    expect(statement?.kind).toBe('investment');
    expect(statement?.account).toEqual({ kind: 'investment', accountId: 'INV-1', accountType: null, bankId: null, brokerId: 'broker.example' });
    expect(statement?.transactions.map((t) => [t.type, t.fitid, t.posted, t.amount, t.name, t.memo])).toEqual([
      ['BUYSTOCK', 'B1', '2026-01-02T20:00:00.000Z', '-125.00', null, 'Bought ACME'],
      ['INCOME', 'I1', '2026-01-03T00:00:00.000Z', '3.21', null, null],
      ['TRANSFER', 'T1', '2026-01-04T00:00:00.000Z', '0', null, null],
      ['INVBANKTRAN', 'D1', '2026-01-04T00:00:00.000Z', '500.00', 'Deposit', null],
    ]);
    expect(statement?.availableBalance).toEqual({ amount: '375.00', asOf: '2026-01-05T00:00:00.000Z' });
    expect(statement?.positions).toEqual([
      {
        type: 'POSSTOCK',
        securityId: { uniqueId: '123456789', uniqueIdType: 'CUSIP' },
        heldInAccount: 'CASH',
        positionType: 'LONG',
        units: '10',
        unitPrice: '13.00',
        marketValue: '130.00',
        priceAsOf: '2026-01-05T00:00:00.000Z',
      },
      {
        type: 'POSMF',
        securityId: { uniqueId: '987654321', uniqueIdType: 'CUSIP' },
        heldInAccount: 'CASH',
        positionType: 'LONG',
        units: '5.5',
        unitPrice: null,
        marketValue: null,
        priceAsOf: null,
      },
    ]);
  });
});

describe('broken statements fail cleanly', () => {
  const statementWith = (stmttrn: string, balance = '<LEDGERBAL><BALAMT>1</BALAMT><DTASOF>20260101</DTASOF></LEDGERBAL>'): string =>
    `<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>USD</CURDEF>` +
    `<BANKACCTFROM><BANKID>1</BANKID><ACCTID>2</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM><BANKTRANLIST>${stmttrn}</BANKTRANLIST>${balance}</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

  it.each([
    ['a missing DTPOSTED', '<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><TRNAMT>1</TRNAMT><FITID>F</FITID></STMTTRN>', /STMTTRN FITID "F" has no DTPOSTED/],
    ['an empty DTPOSTED', '<STMTTRN><DTPOSTED></DTPOSTED><TRNAMT>1</TRNAMT><FITID>F</FITID></STMTTRN>', /has no DTPOSTED/],
    ['an impossible DTPOSTED', '<STMTTRN><DTPOSTED>20120231</DTPOSTED><TRNAMT>1</TRNAMT><FITID>F</FITID></STMTTRN>', /"20120231": day out of range/],
    ['an invalid TRNAMT', '<STMTTRN><DTPOSTED>20260101</DTPOSTED><TRNAMT>$120</TRNAMT><FITID>F</FITID></STMTTRN>', /invalid OFX amount "\$120"/],
    ['a missing FITID', '<STMTTRN><DTPOSTED>20260101</DTPOSTED><TRNAMT>1</TRNAMT></STMTTRN>', /STMTTRN #1 has no FITID/],
  ])('%s', (_, stmttrn, message) => {
    expect(() => parseOfx(statementWith(stmttrn))).toThrow(OfxParseError);
    expect(() => parseOfx(statementWith(stmttrn))).toThrow(message);
  });

  it('an empty BALAMT with a date', () => {
    const balance = '<LEDGERBAL><BALAMT> </BALAMT><DTASOF>20260101</DTASOF></LEDGERBAL>';
    expect(() => parseOfx(statementWith('', balance))).toThrow(/LEDGERBAL has an empty BALAMT/);
  });

  it('reads an entirely blank balance as absent', () => {
    const balance = '<LEDGERBAL><BALAMT></BALAMT><DTASOF></DTASOF></LEDGERBAL>';
    expect(parseOfx(statementWith('', balance)).statements[0]?.ledgerBalance).toBeNull();
  });

  it('a bad amount from a fixture file', () => {
    expect(() => parseOfx(fixture('broken-bad-amount.ofx'))).toThrow('STMTTRN FITID "F1": invalid OFX amount "12a"');
  });
});

describe('transaction-level STATUS', () => {
  it.each(knownStatusCodes())('keeps code %i with its severity and message', (code) => {
    const severity = code === 0 || code === 1 ? 'INFO' : code === 15000 ? 'WARN' : 'ERROR';
    const doc = `<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>t${code}</TRNUID><STATUS><CODE>${code}</CODE><SEVERITY>${severity}</SEVERITY><MESSAGE>m${code}</MESSAGE></STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    const parsed = parseOfx(doc);
    expect(parsed.transactionStatuses).toEqual([{ wrapper: 'STMTTRNRS', trnuid: `t${code}`, status: { code, severity, message: `m${code}` } }]);
    expect(parsed.statements).toEqual([]);
  });

  it('derives a missing SEVERITY from the code and rejects a STATUS without a CODE', () => {
    const doc = (status: string): string => `<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS>${status}</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    expect(parseOfx(doc('<CODE>2000</CODE>')).transactionStatuses[0]?.status).toEqual({ code: 2000, severity: 'ERROR', message: null });
    expect(() => parseOfx(doc('<SEVERITY>INFO</SEVERITY>'))).toThrow(/STMTTRNRS STATUS has no CODE/);
  });
});

describe('requests', () => {
  it('reads a request through root, with no response views', () => {
    const parsed = parseOfx(fixture('request-statement.ofx'));
    expect(parsed.signon).toBeNull();
    expect(parsed.statements).toEqual([]);
    expect(parsed.transactionStatuses).toEqual([]);
    expect(pathText(parsed.root, 'SIGNONMSGSRQV1', 'SONRQ', 'USERID')).toBe('alice');
    expect(pathText(parsed.root, 'SIGNONMSGSRQV1', 'SONRQ', 'MFACHALLENGEA', 'MFAPHRASEID')).toBe('MFA16');
    expect(pathText(parsed.root, 'BANKMSGSRQV1', 'STMTTRNRQ', 'STMTRQ', 'INCTRAN', 'INCLUDE')).toBe('Y');
  });

  it('reads back what serializeOfx writes, in both families', () => {
    const tree = aggregate('OFX', [
      aggregate('SIGNONMSGSRQV1', [aggregate('SONRQ', [leaf('DTCLIENT', '20260105120000.000[+0:UTC]'), leaf('USERID', 'a&b <c>'), leaf('LANGUAGE', 'ENG')])]),
    ]);
    for (const version of ['103', '211']) {
      const parsed = parseOfx(serializeOfx(tree, { version }));
      expect(parsed.root).toEqual(tree);
      expect(parsed.header.version).toBe(version);
    }
  });
});
