/** Real files from ofxparse and ofxtools (../shared/ofx-corpus beside the project): real ones parse, fail_nice ones are refused. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { toStatementJson } from '../../../core/ofx/statement-json.ts';

const CORPUS = join(import.meta.dirname, '../../../../shared/ofx-corpus');
const files = existsSync(CORPUS)
  ? (readdirSync(CORPUS, { recursive: true }) as string[]).filter((f) => /\.(ofx|qfx)$/i.test(f)).sort()
  : [];
const failing = files.filter((f) => /(^|[/\\])fail[^/\\]*[/\\]/i.test(f));
const good = files.filter((f) => !failing.includes(f));
const read = (f: string): Buffer => readFileSync(join(CORPUS, f));

describe.skipIf(files.length === 0)('the shared OFX corpus', () => {
  it.each(good)('parses %s', (file) => {
    const parsed = parseOfx(read(file));
    const json = toStatementJson(parsed);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    for (const s of json.statements) {
      for (const t of s.transactions) {
        expect(t.posted).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        // A decimal with at least one digit: '' and '-' are not amounts.
        expect(t.amount).toMatch(/^-?(\d+(\.\d*)?|\.\d+)$/);
      }
    }
  });

  it.each(failing)('refuses %s with a one-line OfxParseError', (file) => {
    expect(() => parseOfx(read(file))).toThrow(OfxParseError);
    try {
      parseOfx(read(file));
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('reads known figures from real files', () => {
    const checking = toStatementJson(parseOfx(read('ofxparse/tests/fixtures/checking.ofx')));
    expect(checking.statements[0]?.transactions[2]).toEqual({
      fitid: '0000488',
      type: 'CHECK',
      posted: '2011-04-07T12:00:00.000Z',
      amount: '-25.00',
      name: 'RETURNED CHECK FEE, CHECK # 319',
      memo: 'RETURNED CHECK FEE, CHECK # 319 FOR $45.33 ON 04/07/11',
      checkNumber: '319',
    });
    const nubank = parseOfx(read('ofxtools/tests/data/br_nubank_cc.ofx'));
    expect(nubank.statements[0]?.transactions).toHaveLength(6);
    expect(nubank.statements[0]?.ledgerBalance?.amount).toBe('-1280.91');
    const euro = parseOfx(read('ofxtools/tests/data/stmtrs_euro.ofx'));
    expect(euro.statements[0]?.transactions.map((t) => t.amount)).toEqual(['-200.00', '-300.00']);
    const signonFail = parseOfx(read('ofxparse/tests/fixtures/signon_fail.ofx'));
    expect(signonFail.signon?.status.code).toBe(15500);
    const error = parseOfx(read('ofxparse/tests/fixtures/error_message.ofx'));
    expect(error.statements).toEqual([]);
    expect(error.transactionStatuses[0]?.status).toEqual({ code: 2000, severity: 'ERROR', message: 'General Server Error' });
  });
});
