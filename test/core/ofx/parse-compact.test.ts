/**
 * parseOfx reads transactions while tokenizing and keeps compact nodes for them in the tree (LazyAggregate),
 * most through a fast path that never makes leaf nodes. Both must be invisible: these tests compare every
 * document against a reference made the plain way (tokenizeOfx without compaction, then the same readers).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOfx } from '../../../core/ofx/decode.ts';
import { readHeader } from '../../../core/ofx/header.ts';
import { LazyAggregate } from '../../../core/ofx/lazy-node.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { readTransactionResponses } from '../../../core/ofx/read/responses.ts';
import { serializeOfx } from '../../../core/ofx/serialize.ts';
import { tokenizeOfx } from '../../../core/ofx/tokenizer.ts';
import { aggregate, leaf, type OfxNode } from '../../../core/ofx/tree.ts';

/** The tree and statements as they were before compaction existed: plain nodes only, read afterwards. */
function reference(input: string | Uint8Array): { root: OfxNode | undefined; statements: unknown; error: string | null } {
  const text = decodeOfx(input);
  const found = tokenizeOfx(text, readHeader(text).bodyStart).find((n) => n.name === 'OFX');
  // As parseOfx does: <OFX></OFX> reads as an aggregate with no children.
  const root = found && !found.children ? { name: 'OFX', children: [] } : found;
  if (!root) return { root, statements: [], error: 'no OFX' };
  try {
    return { root, statements: readTransactionResponses(root).statements, error: null };
  } catch (error) {
    return { root, statements: null, error: (error as Error).message };
  }
}

function expectSameAsReference(input: string | Uint8Array): void {
  const ref = reference(input);
  let parsed: ReturnType<typeof parseOfx>;
  try {
    parsed = parseOfx(input);
  } catch (error) {
    if (ref.error === 'no OFX') expect((error as Error).message).toMatch(/^not an OFX document/);
    else expect((error as Error).message).toBe(ref.error);
    return;
  }
  expect(ref.error).toBeNull();
  expect(parsed.statements).toEqual(ref.statements);
  // Deep equality walks `children` of compact nodes, rebuilding them from the text.
  expect(parsed.root).toEqual(ref.root);
  expect(JSON.stringify(parsed.root)).toBe(JSON.stringify(ref.root));
}

function countLazy(node: OfxNode): number {
  if (node instanceof LazyAggregate) return 1;
  return (node.children ?? []).reduce((n, c) => n + countLazy(c), 0);
}

const bank = (transactions: string, version: 'sgml' | 'xml' = 'sgml'): string =>
  (version === 'sgml' ? 'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n' : '<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n') +
  '<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>' +
  '<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM>' +
  `<BANKTRANLIST><DTSTART>20260101${transactions}</BANKTRANLIST>` +
  '<LEDGERBAL><BALAMT>1.00<DTASOF>20260102</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>';

const PLAIN = '<TRNTYPE>DEBIT<DTPOSTED>20260105<TRNAMT>-1.50<FITID>A1<NAME>AT&amp;T<MEMO>m</STMTTRN>';

/** Transactions in every shape the tokenizer accepts; each is also tried after a plain one. */
const SHAPES: Record<string, string> = {
  'plain SGML': `<STMTTRN>${PLAIN}`,
  'closed leaves': '<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20260105120000.000[-5:EST]</DTPOSTED><TRNAMT>2,50</TRNAMT><FITID>B</FITID></STMTTRN>',
  'spaces and newlines': '<STMTTRN>\n  <TRNTYPE> POS \n  <DTPOSTED>20260105\r\n<TRNAMT>+3</TRNAMT>  junk after\n<FITID>C\n</STMTTRN>\n',
  'empty leaves': '<STMTTRN><TRNTYPE><DTPOSTED>20260105<TRNAMT>1<FITID></FITID><MEMO></MEMO><NAME></STMTTRN>',
  'self-closed leaf': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>D<MEMO/></STMTTRN>',
  'lower-case tags': '<stmttrn><trntype>debit<dtposted>20260105<trnamt>1<fitid>E</stmttrn>',
  'lower-case end tag': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>F</stmttrn>',
  'end tag with a space': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>G</STMTTRN >',
  'comment inside': '<STMTTRN><DTPOSTED>20260105<!-- x --><TRNAMT>1<FITID>H<!-- y -->I</STMTTRN>',
  'CDATA inside': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>J<NAME><![CDATA[a <b> & c]]></NAME></STMTTRN>',
  'processing instruction inside': '<STMTTRN><DTPOSTED>20260105<?pi x?><TRNAMT>1<FITID>K</STMTTRN>',
  'PAYEE aggregate': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>L<PAYEE><NAME>Payee<ADDR1>x</PAYEE></STMTTRN>',
  'unknown aggregate, unclosed': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>M<X.AGG><X.A>1</STMTTRN>',
  'left open': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>N',
  'left open with an aggregate': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>O<CURRENCY><CURRATE>1<CURSYM>EUR</CURRENCY>',
  'empty aggregate': '<STMTTRN></STMTTRN>',
  'text only': '<STMTTRN>text</STMTTRN>',
  'text before the first leaf': '<STMTTRN>text<FITID>P</STMTTRN>',
  'stray end tag inside': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>Q</NAME></STMTTRN>',
  'a leaf closed twice': '<STMTTRN><DTPOSTED>20260105</DTPOSTED></DTPOSTED><TRNAMT>1<FITID>R</STMTTRN>',
  'an ancestor closing it': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>S</BANKTRANLIST><STMTTRN><FITID>T</STMTTRN>',
  'nested STMTTRN': '<STMTTRN><STMTTRN><FITID>U</STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>V</STMTTRN>',
  'a < in the text': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>W<MEMO>a < b</STMTTRN>',
  'numeric entities': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<FITID>&#88;&#x59;<NAME>caf&#233;</STMTTRN>',
  'duplicate leaves': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1<TRNAMT>2<FITID>Y<FITID>Z</STMTTRN>',
  'no FITID': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1</STMTTRN>',
  'bad date': '<STMTTRN><DTPOSTED>20261305<TRNAMT>1<FITID>BD</STMTTRN>',
  'bad amount': '<STMTTRN><DTPOSTED>20260105<TRNAMT>1.2.3<FITID>BA</STMTTRN>',
  'tag with an attribute': '<STMTTRN a="1"><DTPOSTED>20260105<TRNAMT>1<FITID>AT</STMTTRN>',
  'leaf tag with an attribute': '<STMTTRN><DTPOSTED x>20260105<TRNAMT>1<FITID>AU</STMTTRN>',
};

describe('compact transactions read exactly as plain ones', () => {
  for (const [label, shape] of Object.entries(SHAPES)) {
    it(label, () => {
      expectSameAsReference(bank(shape));
      expectSameAsReference(bank(`<STMTTRN>${PLAIN}${shape}<STMTTRN>${PLAIN}`));
      expectSameAsReference(bank(`<STMTTRN>${PLAIN}${shape}<STMTTRN>${PLAIN}`, 'xml'));
    });
  }

  it('compacts plain transactions, in SGML and XML', () => {
    const tree = aggregate('OFX', [
      aggregate('BANKMSGSRSV1', [
        aggregate('STMTTRNRS', [
          leaf('TRNUID', '1'),
          aggregate('STATUS', [leaf('CODE', '0'), leaf('SEVERITY', 'INFO')]),
          aggregate('STMTRS', [
            leaf('CURDEF', 'USD'),
            aggregate('BANKACCTFROM', [leaf('BANKID', '1'), leaf('ACCTID', '2'), leaf('ACCTTYPE', 'SAVINGS')]),
            aggregate('BANKTRANLIST', [
              leaf('DTSTART', '20260101'),
              ...[1, 2, 3].map((i) =>
                aggregate('STMTTRN', [
                  leaf('TRNTYPE', 'CREDIT'),
                  leaf('DTPOSTED', `2026010${i}120000.000[-5:EST]`),
                  leaf('TRNAMT', `${i}.00`),
                  leaf('FITID', `F${i}`),
                  leaf('NAME', 'Procter & Gamble <PG>'),
                ]),
              ),
            ]),
          ]),
        ]),
      ]),
    ]);
    for (const version of ['102', '211']) {
      const text = serializeOfx(tree, { version });
      const parsed = parseOfx(text);
      expect(countLazy(parsed.root)).toBe(3);
      expect(parsed.root).toEqual(tree);
      expectSameAsReference(text);
      expectSameAsReference(new TextEncoder().encode(text));
    }
  });

  it('gives the same nodes on every walk, and fresh transactions on every reading', () => {
    const text = bank(`<STMTTRN>${PLAIN}<STMTTRN>${PLAIN}`);
    const parsed = parseOfx(text);
    const list = parsed.root.children?.[0]?.children?.[0]?.children?.[2]?.children?.[2];
    expect(list?.name).toBe('BANKTRANLIST');
    const trn = list?.children?.[1] as OfxNode;
    expect(trn).toBeInstanceOf(LazyAggregate);
    expect(Object.keys(trn)).toEqual(['name', 'children']);
    expect(trn.children).toBe(trn.children);
    const again = readTransactionResponses(parsed.root).statements;
    expect(again).toEqual(parsed.statements);
    expect(again[0]?.transactions[0]).not.toBe(parsed.statements[0]?.transactions[0]);
    // Children can be replaced like those of any node.
    trn.children = [leaf('FITID', 'X')];
    expect(trn.children).toEqual([{ name: 'FITID', value: 'X' }]);
  });
});

describe('investment transactions', () => {
  const file = join(import.meta.dirname, '../../fixtures/ofx/investment-statement.ofx');

  it('read exactly as plain ones', () => {
    const bytes = readFileSync(file);
    expect(countLazy(parseOfx(bytes).root)).toBeGreaterThan(0);
    expectSameAsReference(bytes);
  });
});

describe('every fixture and corpus file reads as before', () => {
  const dirs = [join(import.meta.dirname, '../../fixtures/ofx'), join(import.meta.dirname, '../../../../shared/ofx-corpus')];
  const files = dirs
    .filter((d) => existsSync(d))
    .flatMap((d) => (readdirSync(d, { recursive: true }) as string[]).filter((f) => /\.(ofx|qfx)$/i.test(f)).map((f) => join(d, f)));

  it.each(files)('%s', (file) => {
    expectSameAsReference(readFileSync(file));
  });
});
