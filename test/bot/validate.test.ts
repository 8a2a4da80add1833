/** Issue 10 "Bad input": every value about a connection is checked in one place, with one line back. */
import { describe, expect, it } from 'vitest';
import {
  checkAccount,
  checkAnswer,
  checkAnswerAggregate,
  checkAppId,
  checkAppVer,
  checkBankUrl,
  checkConnectionName,
  checkDate,
  checkFid,
  checkOrg,
  checkPassword,
  checkQuirks,
  checkUserId,
  checkVersion,
  encodableIn1252,
  parseAccountSpec,
  ValidationError,
} from '../../bot/validate.ts';

function problem(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      expect(error.message.split('\n')).toHaveLength(1);
      return error;
    }
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('bank URLs', () => {
  it('takes https anywhere and plain http only to this machine', () => {
    expect(checkBankUrl(' https://ofx.bank.example/cgi/ofx ')).toBe('https://ofx.bank.example/cgi/ofx');
    expect(checkBankUrl('http://127.0.0.1:8642/ofx')).toBe('http://127.0.0.1:8642/ofx');
    expect(checkBankUrl('http://localhost:1/ofx')).toBe('http://localhost:1/ofx');
    expect(checkBankUrl('http://[::1]:1/ofx')).toBe('http://[::1]:1/ofx');
    expect(problem(() => checkBankUrl('http://bank.example/ofx')).message).toMatch(/^URL: .*https/);
    expect(problem(() => checkBankUrl('ftp://bank.example/ofx')).field).toBe('URL');
    expect(problem(() => checkBankUrl('not a url')).field).toBe('URL');
    expect(problem(() => checkBankUrl('')).problem).toBe('is missing');
  });

  it('refuses credentials in the URL without repeating them', () => {
    const error = problem(() => checkBankUrl('https://alice:hunter2@ofx.bank.example/ofx'));
    expect(error.message).toMatch(/user name or password/);
    expect(error.message).not.toContain('hunter2');
    expect(problem(() => checkBankUrl('https://alice@ofx.bank.example/ofx')).field).toBe('URL');
    expect(problem(() => checkBankUrl(`https://bank.example/${'a'.repeat(3000)}`)).message).toMatch(/longer/);
  });
});

describe('OFX fields', () => {
  it('holds ORG, FID and user ID to A-32 and refuses control characters', () => {
    expect(checkOrg(' MYBANK ')).toBe('MYBANK');
    expect(checkOrg('')).toBeNull();
    expect(checkOrg('x'.repeat(32))).toHaveLength(32);
    expect(problem(() => checkOrg('x'.repeat(33))).message).toBe('ORG: is longer than the 32 characters OFX allows');
    expect(problem(() => checkFid('12\n34')).message).toMatch(/^FID: .*line break/);
    expect(checkUserId('alice')).toBe('alice');
    expect(problem(() => checkUserId('a'.repeat(33))).field).toBe('user ID');
    expect(problem(() => checkUserId('   ')).problem).toBe('is empty');
  });

  it('keeps a password as typed, up to USERPASS A-171, and never echoes it', () => {
    expect(checkPassword(' spaced pass ')).toBe(' spaced pass ');
    expect(checkPassword('p'.repeat(171))).toHaveLength(171);
    const long = problem(() => checkPassword(`secret-${'p'.repeat(171)}`));
    expect(long.message).toMatch(/^password: .*171/);
    expect(long.message).not.toContain('secret-');
    expect(problem(() => checkPassword('two\nlines')).message).not.toContain('two');
  });

  it('refuses for OFX 1.x what Windows-1252 cannot carry, and lets 2.x carry it', () => {
    expect(encodableIn1252('O’Brien p€ss Café')).toBe(true);
    expect(encodableIn1252('密码')).toBe(false);
    expect(checkPassword('p€ss', '103')).toBe('p€ss');
    expect(problem(() => checkPassword('密码', '103')).message).toBe('password: contains a character that OFX 1.0.3 (Windows-1252 text) cannot carry');
    expect(checkPassword('密码', '211')).toBe('密码');
  });

  it('checks versions, APPID/APPVER and the answer aggregate', () => {
    expect(checkVersion('103')).toBe('103');
    expect(checkVersion('2.1.1')).toBe('211');
    expect(problem(() => checkVersion('104')).message).toMatch(/^OFX version: expected one of 102, 103/);
    expect(checkAppId('QWIN')).toBe('QWIN');
    expect(problem(() => checkAppId('QUICKEN')).field).toBe('APPID');
    expect(checkAppVer('2700')).toBe('2700');
    expect(problem(() => checkAppVer('27a')).field).toBe('APPVER');
    expect(checkAnswerAggregate('mfachallengeanswer')).toBe('MFACHALLENGEANSWER');
    expect(problem(() => checkAnswerAggregate('MFA')).field).toBe('answer aggregate');
  });

  it('holds an answer to MFAPHRASEA A-64', () => {
    expect(checkAnswer('MFA16', 'a'.repeat(64))).toHaveLength(64);
    expect(problem(() => checkAnswer('MFA16', 'a'.repeat(65))).message).toBe('answer to MFA16: is longer than the 64 characters OFX allows');
  });
});

describe('names, accounts, dates, quirks', () => {
  it('takes short names a person can type', () => {
    expect(checkConnectionName('credit-union_2')).toBe('credit-union_2');
    expect(checkConnectionName('café')).toBe('café');
    for (const bad of ['', '-x', 'two words', 'a/b', 'x'.repeat(33), '<b>']) {
      expect(problem(() => checkConnectionName(bad)).field).toBe('name');
    }
  });

  it('builds each account kind and says what is missing', () => {
    expect(checkAccount(parseAccountSpec('checking:123:011000015'))).toEqual({
      kind: 'bank', accountId: '123', accountType: 'CHECKING', bankId: '011000015', brokerId: null,
    });
    expect(checkAccount(parseAccountSpec('CREDITCARD:4111'))).toMatchObject({ kind: 'creditcard', accountId: '4111' });
    expect(checkAccount(parseAccountSpec('INVESTMENT:A1:vanguard.com'))).toMatchObject({ kind: 'investment', brokerId: 'vanguard.com' });
    expect(problem(() => checkAccount(parseAccountSpec('CHEQUING:1:2'))).field).toBe('account type');
    expect(problem(() => checkAccount(parseAccountSpec('SAVINGS:1'))).field).toBe('routing number');
    expect(problem(() => checkAccount(parseAccountSpec('INVESTMENT:1'))).field).toBe('broker ID');
    expect(problem(() => checkAccount(parseAccountSpec('SAVINGS:1:1234567890'))).field).toBe('routing number');
    expect(problem(() => checkAccount(parseAccountSpec(`CREDITCARD:${'9'.repeat(23)}`))).field).toBe('account number');
    expect(problem(() => parseAccountSpec('CHECKING')).field).toBe('account');
  });

  it('takes calendar dates and instants, refusing impossible and future ones', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(checkDate('--since', '2026-02-28', now).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(checkDate('--since', '2026-11-30T09:00:00+02:00', now).toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(problem(() => checkDate('--since', '2026-02-30', now)).message).toBe('--since: 2026-02-30 is not a calendar date');
    expect(problem(() => checkDate('--since', '2026-13-01', now)).field).toBe('--since');
    expect(problem(() => checkDate('--since', 'yesterday', now)).message).toMatch(/2026-01-31/);
    expect(problem(() => checkDate('--since', '2027-01-01', now)).problem).toBe('is in the future');
    expect(problem(() => checkDate('--since', '1969-12-31', now)).problem).toBe('is before 1970');
  });

  it('takes quirk names with one-line values', () => {
    expect(checkQuirks({ pretty: 'true', clientuid: '' })).toEqual({ pretty: 'true', clientuid: '' });
    expect(problem(() => checkQuirks({ 'Bad Name': 'x' })).field).toBe('quirk');
    expect(problem(() => checkQuirks({ useragent: 'a\nb' })).field).toBe('quirk useragent');
  });
});
