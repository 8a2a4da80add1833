import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { normalizeAmount } from '../../../core/ofx/amounts.ts';
import { formatOfxDateTime, parseOfxDateTime } from '../../../core/ofx/dates.ts';
import { isClientSidePhrase, STANDARD_PHRASES, standardPhraseLabel } from '../../../core/ofx/phrases.ts';

describe('parseOfxDateTime', () => {
  it.each([
    ['20260105', '2026-01-05T00:00:00.000Z'],
    ['202601051230', '2026-01-05T12:30:00.000Z'],
    ['20260105123045', '2026-01-05T12:30:45.000Z'],
    ['20260105123045.123', '2026-01-05T12:30:45.123Z'],
    ['20260105123045.5', '2026-01-05T12:30:45.500Z'],
    ['20260105123045.123456', '2026-01-05T12:30:45.123Z'],
    ['20260105120000[-5:EST]', '2026-01-05T17:00:00.000Z'],
    ['20260105120000.000[-5]', '2026-01-05T17:00:00.000Z'],
    ['20260105120000[+5.5:IST]', '2026-01-05T06:30:00.000Z'],
    ['20260105120000[0:GMT]', '2026-01-05T12:00:00.000Z'],
    ['20260105120000[-7:MST]', '2026-01-05T19:00:00.000Z'],
    ['20260105120000.000[-:EST]', '2026-01-05T17:00:00.000Z'],
    ['  20260105120000  ', '2026-01-05T12:00:00.000Z'],
    ['20180804093914:014', '2018-08-04T09:39:14.014Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
    ['20260105235959[-5:EST]', '2026-01-06T04:59:59.000Z'],
    ['19691231235959.999', '1969-12-31T23:59:59.999Z'],
    ['00010101', '0001-01-01T00:00:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseOfxDateTime(input)).toBe(iso);
  });

  it.each(['20120231', '201120000000', '20261301', '', '   ', '2026010', '20260105250000', '20260105120000[abc]', 'yesterday', '20230229'])(
    'rejects %j with a one-line OfxParseError naming the value',
    (input) => {
      expect(() => parseOfxDateTime(input)).toThrow(OfxParseError);
      try {
        parseOfxDateTime(input);
      } catch (e) {
        expect((e as Error).message).toContain(JSON.stringify(input));
        expect((e as Error).message).not.toContain('\n');
      }
    },
  );

  it('reads back what formatOfxDateTime writes', () => {
    const date = new Date('2026-10-05T17:00:00.250Z');
    expect(parseOfxDateTime(formatOfxDateTime(date))).toBe(date.toISOString());
    expect(parseOfxDateTime(formatOfxDateTime(date, -300))).toBe(date.toISOString());
    expect(parseOfxDateTime(formatOfxDateTime(date, 330))).toBe(date.toISOString());
  });
});

describe('normalizeAmount', () => {
  it.each([
    ['-12.34', '-12.34'],
    ['+100.00', '100.00'],
    ['  7 ', '7'],
    ['-200,00', '-200.00'],
    ['1,5', '1.5'],
    ['1,234.56', '1234.56'],
    ['1,234,567', '1234567'],
    ['1.234,56', '1234.56'],
    ['-1.234.567,89', '-1234567.89'],
    ['-00000000001500.0000', '-00000000001500.0000'],
    ['.5', '.5'],
  ])('%j → %j', (input, output) => {
    expect(normalizeAmount(input)).toBe(output);
  });

  it.each(['$120', '', ' ', '12a', '1.2.3', '--5', '1,23,4.5', '1e5', '-', '.'])('rejects %j', (input) => {
    expect(() => normalizeAmount(input)).toThrow(OfxParseError);
  });

  it('refuses a million digits followed by junk in one pass (found by the fuzzer: the old pattern backtracked quadratically)', () => {
    // With `^\d*\.?\d*$` this took hours; now it is one scan. Also checks the space- and comma-padded cousins.
    for (const input of [`${'1'.repeat(1_000_000)}x`, ` ${'1'.repeat(1_000_000)}x `, `-${'9'.repeat(500_000)}.${'9'.repeat(500_000)}!`]) {
      expect(() => normalizeAmount(input)).toThrow(OfxParseError);
    }
    expect(normalizeAmount(` ${'1'.repeat(1_000_000)} `)).toHaveLength(1_000_000);
    expect(normalizeAmount(' 5. ')).toBe('5.');
  });
});

describe('MFA phrases', () => {
  it('ships labels for MFA1..MFA23 and MFA101..MFA107', () => {
    for (let i = 1; i <= 23; i++) expect(standardPhraseLabel(`MFA${i}`)).toBeTruthy();
    for (let i = 101; i <= 107; i++) expect(standardPhraseLabel(`MFA${i}`)).toBeTruthy();
    expect(STANDARD_PHRASES).toHaveLength(30);
    expect(standardPhraseLabel('MFA16')).toBe("Mother's maiden name");
    expect(standardPhraseLabel('MFA24')).toBeNull();
    expect(standardPhraseLabel('BANK42')).toBeNull();
  });

  it('marks only MFA101..MFA107 as answered by the client', () => {
    expect(isClientSidePhrase('MFA101')).toBe(true);
    expect(isClientSidePhrase('MFA107')).toBe(true);
    expect(isClientSidePhrase('MFA16')).toBe(false);
    expect(isClientSidePhrase('MFA108')).toBe(false);
    expect(isClientSidePhrase('XYZ')).toBe(false);
  });
});
