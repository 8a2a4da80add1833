/**
 * Inputs built to hit the slow paths a careless tokenizer has, one class per path: each a complete OFX 1.x
 * response whose payload is repeated until the file is about `bytes` long. Shared by the pathological bench
 * (time at 256 KB and 2 MB) and by test/core/ofx/parse-pathological.test.ts (what each one parses to, at
 * sizes small enough for a test).
 */

const HEADER = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n\r\n';

/** A sign-on response whose FI/ORG leaf carries `org`: readSignon hands that value back as signon.fi.org. */
function inOrg(org: string): string {
  return (
    `${HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20250101120000` +
    `<LANGUAGE>ENG<FI><ORG>${org}<FID>1</FI></SONRS></SIGNONMSGSRSV1></OFX>\r\n`
  );
}

/** `unit` repeated to make about `bytes` characters (all these inputs are ASCII, so characters are bytes). */
export function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
}

export interface PathologicalCase {
  name: string;
  /** What it stresses, for the bench's table. */
  what: string;
  make(bytes: number): string;
}

export const PATHOLOGICAL_CASES: readonly PathologicalCase[] = [
  { name: 'bare-amp', what: 'a leaf of bare & (no ; anywhere)', make: (n) => inOrg(repeatTo('&', n)) },
  { name: 'amp-far-semicolon', what: 'bare & with one ; at the very end', make: (n) => inOrg(`${repeatTo('&', n)};`) },
  { name: 'numeric-unterminated', what: 'numeric references without ; (&#65&#65...)', make: (n) => inOrg(repeatTo('&#65', n)) },
  { name: 'hex-unterminated', what: 'hex references without ; (&#x41&#x41...)', make: (n) => inOrg(repeatTo('&#x41', n)) },
  {
    name: 'unclosed-aggregates',
    what: 'groups of 200 <AGG> never closed, each group ended by its parent </GRP>',
    make: (n) => `${HEADER}<OFX>${repeatTo(`<GRP>${'<AGG>'.repeat(200)}</GRP>`, n)}</OFX>\r\n`,
  },
  {
    name: 'empty-leaf-chain',
    what: '<MEMO><NAME>x 100 times per STMTTRN: each MEMO open until </STMTTRN> shows it was empty',
    make: (n) => `${HEADER}<OFX>${repeatTo(`<STMTTRN>${'<MEMO><NAME>x'.repeat(100)}</STMTTRN>`, n)}</OFX>\r\n`,
  },
  {
    name: 'deep-then-leaves',
    what: '200 unclosed levels holding many leaves, then </OFX>',
    make: (n) => `${HEADER}<OFX>${'<AGG>'.repeat(200)}${repeatTo('<L>1', n)}</OFX>\r\n`,
  },
  {
    name: 'stray-end-tags',
    what: '200 open levels, then end tags of elements never opened',
    make: (n) => `${HEADER}<OFX>${'<AGG>'.repeat(200)}${repeatTo('</NOPE>', n)}</OFX>\r\n`,
  },
  {
    name: 'deep-nesting',
    what: '<AGG> nested without end: refused once past the depth limit',
    make: (n) => `${HEADER}<OFX>${repeatTo('<AGG>', n)}`,
  },
  { name: 'lt-run', what: 'a leaf of bare < characters', make: (n) => inOrg(repeatTo('<', n)) },
  { name: 'lt-slash-run', what: 'a leaf of </ pairs', make: (n) => inOrg(repeatTo('</', n)) },
  { name: 'lt-bang-run', what: 'a leaf of <! pairs', make: (n) => inOrg(repeatTo('<!', n)) },
  { name: 'unclosed-comments', what: 'comment openers <!-- with no -->', make: (n) => inOrg(repeatTo('<!--', n)) },
  { name: 'comments-in-text', what: 'a leaf split by thousands of comments', make: (n) => inOrg(repeatTo('a<!---->', n)) },
  { name: 'pi-openers', what: 'processing-instruction openers <? with no ?>', make: (n) => inOrg(repeatTo('<?', n)) },
  {
    name: 'header-letters',
    what: 'a header of letters with no colon before <OFX>',
    make: (n) => `OFXHEADER:100\r\n${repeatTo('A', n)}\r\n<OFX></OFX>`,
  },
  {
    name: 'xml-declarations',
    what: 'thousands of <?xml ?> declarations before <OFX>',
    make: (n) => `${repeatTo('<?xml version="1.0"?>', n)}<OFX></OFX>`,
  },
  {
    name: 'unclosed-transactions',
    what: 'STMTTRN after STMTTRN, none closed: nests until the depth limit',
    make: (n) =>
      `${HEADER}<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>USD` +
      `<BANKTRANLIST><DTSTART>20250101<DTEND>20250102` +
      repeatTo('<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250101<TRNAMT>-1.00<FITID>1', n) +
      '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n',
  },
];
