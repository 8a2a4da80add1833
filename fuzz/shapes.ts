/**
 * Inputs for the linearity check: each shape is built at n and 10n units, and parsing the big one must take
 * under 15x the small one's time. The shapes are the ordinary case (long statements) and every pattern where
 * a scan inside a scan could hide: deep nesting closed by the wrong end tags, runs of `&` or `<` in a value,
 * long runs of letters where a regular expression may backtrack, unterminated markup.
 */
const HEADER = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n';
const SONRS = '<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20250101120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>';

function sgmlStatement(inner: string): string {
  return `${HEADER}<OFX>${SONRS}<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20250101<DTEND>20250201${inner}</BANKTRANLIST><LEDGERBAL><BALAMT>1.00<DTASOF>20250201</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
}

function body(inner: string): string {
  return `${HEADER}<OFX>${inner}</OFX>`;
}

export interface Shape {
  name: string;
  /** The input for n units. */
  build(n: number): string;
  /** Units at the small size; the big one is 10x. Chosen so the small input takes a few milliseconds. */
  units: number;
}

export const SHAPES: readonly Shape[] = [
  {
    name: 'SGML statement',
    units: 2_000,
    build: (n) => sgmlStatement(Array.from({ length: n }, (_, i) => `<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250105<TRNAMT>-${i}.25<FITID>F${i}<NAME>AT&T #${i}<MEMO>m</STMTTRN>`).join('\n')),
  },
  {
    name: 'XML statement',
    units: 2_000,
    build: (n) =>
      `<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?><OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM><BANKID>1</BANKID><ACCTID>2</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM><BANKTRANLIST>${Array.from({ length: n }, (_, i) => `<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250105</DTPOSTED><TRNAMT>-${i}.25</TRNAMT><FITID>F${i}</FITID><NAME>x &amp; y</NAME></STMTTRN>`).join('')}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`,
  },
  // The five nesting shapes below are refused at the tokenizer's MAX_DEPTH (256) a few hundred bytes in, so at
  // these sizes they time the decoding and the refusal. The same nesting in groups 200 deep parses, and then
  // the tree of plain nodes it builds meets V8's young-generation size: 10x the nodes took 22x-33x the time
  // here, a step of garbage-collection cost rather than a scan inside a scan (see the README's fuzzing notes).
  { name: 'nesting closed by its end tags', units: 10_000, build: (n) => body('<A>'.repeat(n) + '</A>'.repeat(n)) },
  { name: 'nesting closed by stray end tags', units: 5_000, build: (n) => body('<A>'.repeat(n) + '</B>'.repeat(n)) },
  { name: 'nesting never closed', units: 10_000, build: (n) => `${HEADER}<OFX>${'<A>'.repeat(n)}` },
  { name: 'nesting of leaves closed implicitly', units: 10_000, build: (n) => body('<AGG><CODE>0'.repeat(n)) },
  { name: 'empty leaves closed implicitly', units: 10_000, build: (n) => body(`<S>${'<MEMO>'.repeat(n)}<CODE>0</S>`) },
  { name: 'stray end tags', units: 20_000, build: (n) => body('</X>'.repeat(n)) },
  { name: "'<' in a value", units: 20_000, build: (n) => body(`<MEMO>${'a < b '.repeat(n)}`) },
  { name: "'&' without ';' in a value", units: 20_000, build: (n) => body(`<MEMO>${'&'.repeat(n)}x`) },
  { name: 'entities in a value', units: 20_000, build: (n) => body(`<MEMO>${'&amp;&#65;&lt;'.repeat(n)}`) },
  { name: 'comments', units: 20_000, build: (n) => body('<!-- c --><CODE>0'.repeat(n)) },
  { name: 'unclosed markup starts', units: 20_000, build: (n) => body('<A'.repeat(n)) },
  { name: 'letters before the body', units: 20_000, build: (n) => `${'a'.repeat(n * 5)}<OFX></OFX>` },
  { name: 'long <?OFX ...?> header', units: 20_000, build: (n) => `<?OFX ${'a'.repeat(n * 5)}?><OFX></OFX>` },
  { name: 'huge amount', units: 20_000, build: (n) => sgmlStatement(`<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250105<TRNAMT>${'1'.repeat(n * 5)}x<FITID>1</STMTTRN>`) },
  { name: 'huge date', units: 20_000, build: (n) => sgmlStatement(`<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2025${'1'.repeat(n * 5)}<TRNAMT>1<FITID>1</STMTTRN>`) },
  { name: 'long tag name', units: 20_000, build: (n) => body(`<${'A'.repeat(n * 5)}>x`) },
];
