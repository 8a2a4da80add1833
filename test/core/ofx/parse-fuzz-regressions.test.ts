/** Inputs the fuzzer (npm run fuzz) found mishandled, each reduced to the smallest file that showed it. */
import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';

const investment = (inner: string) =>
  `OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>` +
  `<INVSTMTRS><DTASOF>20250101<CURDEF>USD<INVACCTFROM><BROKERID>b.example<ACCTID>1</INVACCTFROM>${inner}</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>`;

function refusal(text: string): OfxParseError {
  try {
    parseOfx(text);
  } catch (error) {
    if (error instanceof OfxParseError) return error;
    throw error;
  }
  throw new Error('parsed, expected an OfxParseError');
}

describe('fuzz regressions', () => {
  // seed 42 case 2013: fidelity-savings.ofx + huge-element + splice; the message quoted a 3,500-character tag name.
  it('names a broken transaction with a megabyte-long element name in a short line', () => {
    const name = 'A'.repeat(100_000);
    const error = refusal(investment(`<INVTRANLIST><DTSTART>20250101<DTEND>20250102<${name}><MEMO>x</${name}></INVTRANLIST>`));
    expect(error.message).toMatch(/^A{40}\.\.\. #1 has no INVTRAN\/FITID$/);
  });

  it('names a broken position with a long element name in a short line', () => {
    const name = 'P'.repeat(100_000);
    const error = refusal(investment(`<INVPOSLIST><${name}><INVPOS><SECID><UNIQUEID>1<UNIQUEIDTYPE>CUSIP</SECID></INVPOS></${name}></INVPOSLIST>`));
    expect(error.message.length).toBeLessThan(150);
    expect(error.message).toMatch(/P{40}\.\.\. "1" has no UNITS$/);
  });
});

describe('fuzz regressions: linear time', () => {
  // seed 20261201 case 2806: multiple_accounts2.ofx + byte-flips + huge-element: an <?OFX processing instruction
  // left open ran over a long run of letters, and the attribute pattern rescanned the run from every letter
  // (20k letters 0.85 s, 80k 20 s). 300k letters would take minutes that way; read in one pass they take milliseconds.
  it('reads the attributes of a <?OFX ...?> that holds a long run of letters in one pass', () => {
    const run = 'A'.repeat(300_000);
    const parsed = parseOfx(`<?OFX OFXHEADER="200" VERSION="211" ${run} SECURITY="NONE"?><OFX></OFX>`);
    expect(parsed.header).toMatchObject({ version: '211', format: 'xml', fields: { OFXHEADER: '200', SECURITY: 'NONE' } });
  });
});
