/**
 * What the inputs built against the tokenizer's slow paths parse to (bench/pathological-inputs.ts; the bench
 * `npm run bench -- pathological` shows their time is linear). Sizes here are moderate: these tests check
 * results, never time. The depth limit is the one behaviour these inputs introduced: a file nested deeper than
 * any real one is refused with one line instead of building a tree readers would overflow their stack on.
 */
import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { readHeader } from '../../../core/ofx/header.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { decodeEntities, MAX_DEPTH, tokenizeOfx } from '../../../core/ofx/tokenizer.ts';
import type { OfxNode } from '../../../core/ofx/tree.ts';
import { PATHOLOGICAL_CASES } from '../../../bench/pathological-inputs.ts';

const SIZE = 32 * 1024;

function input(name: string, bytes = SIZE): string {
  const c = PATHOLOGICAL_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c.make(bytes);
}

/** The OFX element as tokenized, without the parser's compaction (so every node is plain). */
function ofxOf(text: string): OfxNode {
  const found = tokenizeOfx(text, readHeader(text).bodyStart).find((n) => n.name === 'OFX');
  if (!found) throw new Error('no OFX element');
  return found;
}

/** `unit` as many times as repeatTo puts it in an input of SIZE bytes. */
const times = (unit: string): number => Math.floor(SIZE / unit.length);

describe('ampersands and references that never end', () => {
  it('keeps a leaf of bare & as that many ampersands', () => {
    expect(parseOfx(input('bare-amp')).signon?.fi?.org).toBe('&'.repeat(times('&')));
  });

  it('keeps bare & with a ; far away literal, the ; included', () => {
    expect(parseOfx(input('amp-far-semicolon')).signon?.fi?.org).toBe(`${'&'.repeat(times('&'))};`);
  });

  it('keeps numeric and hex references without their ; literal', () => {
    expect(parseOfx(input('numeric-unterminated')).signon?.fi?.org).toBe('&#65'.repeat(times('&#65')));
    expect(parseOfx(input('hex-unterminated')).signon?.fi?.org).toBe('&#x41'.repeat(times('&#x41')));
  });

  it('still decodes references up to 12 characters from & to ; and no further', () => {
    expect(decodeEntities('&#x10FFFF;|&#1114111;|&#0000065;')).toBe('\u{10FFFF}|\u{10FFFF}|A');
    expect(decodeEntities('&&amp;&#65&#65;&lt&gt;')).toBe('&&&#65A&lt>');
    // 12 characters from & to ; decode (numeric value permitting); 13 do not.
    expect(decodeEntities('&#x0000000041;')).toBe('&#x0000000041;');
    expect(decodeEntities('&#00000065;')).toBe('&#00000065;');
    expect(decodeEntities('a&amp')).toBe('a&amp');
  });

  it('decodes a value of thousands of references, in order, text between them kept', () => {
    // The linearity shape "entities in a value" (fuzz/shapes.ts), at a size that spans several joined chunks.
    const n = 5_000;
    const leaf = ofxOf(`OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><MEMO>${'&amp;&#65;&lt;'.repeat(n)}`).children?.[0];
    expect(leaf?.value).toBe('&A<'.repeat(n));
    // A few references, a few dozen (past the plain concatenation) and thousands (several chunks) read alike.
    for (const k of [3, 16, 17, 40]) expect(decodeEntities(`${'x&lt;'.repeat(k)}.`)).toBe(`${'x<'.repeat(k)}.`);
    const mixed = Array.from({ length: n }, (_, i) => `${i}&amp;AT&T&#x42;`).join('');
    expect(decodeEntities(mixed)).toBe(Array.from({ length: n }, (_, i) => `${i}&AT&TB`).join(''));
  });
});

describe('aggregates left open', () => {
  it('turns groups of elements never closed into the empty leaves they were', () => {
    const groups = ofxOf(input('unclosed-aggregates')).children ?? [];
    const unit = `<GRP>${'<AGG>'.repeat(200)}</GRP>`;
    expect(groups).toHaveLength(times(unit));
    for (const g of groups) {
      expect(g.name).toBe('GRP');
      expect(g.children).toHaveLength(200);
      expect(g.children?.every((c) => c.name === 'AGG' && c.value === '')).toBe(true);
    }
  });

  it('reads a chain of empty MEMO leaves as leaves, each NAME its sibling', () => {
    const transactions = ofxOf(input('empty-leaf-chain')).children ?? [];
    expect(transactions).toHaveLength(times(`<STMTTRN>${'<MEMO><NAME>x'.repeat(100)}</STMTTRN>`));
    const expected = Array.from({ length: 100 }, () => [
      { name: 'MEMO', value: '' },
      { name: 'NAME', value: 'x' },
    ]).flat();
    for (const t of transactions) expect(t).toEqual({ name: 'STMTTRN', children: expected });
  });

  it('keeps leaves under 200 unclosed levels as siblings of those levels, in order', () => {
    const children = ofxOf(input('deep-then-leaves')).children ?? [];
    const leaves = times('<L>1');
    expect(children).toHaveLength(200 + leaves);
    expect(children.slice(0, 200).every((c) => c.name === 'AGG' && c.value === '')).toBe(true);
    expect(children.slice(200).every((c) => c.name === 'L' && c.value === '1')).toBe(true);
  });

  it('ignores end tags of elements that were never opened, however many', () => {
    const children = ofxOf(input('stray-end-tags')).children ?? [];
    expect(children).toEqual(Array.from({ length: 200 }, () => ({ name: 'AGG', value: '' })));
  });

  it('closes what is still open at the end of a truncated file, as it was', () => {
    const [ofx] = tokenizeOfx(`<OFX>${'<AGG>'.repeat(MAX_DEPTH - 2)}<L>1`);
    let node = ofx;
    let depth = 0;
    while (node?.children) {
      node = node.children[0];
      depth += 1;
    }
    expect(node).toEqual({ name: 'L', value: '1' });
    expect(depth).toBe(MAX_DEPTH - 1);
  });
});

describe('nesting deeper than any OFX file', () => {
  it('refuses it with one line, whether or not it is ever closed', () => {
    for (const name of ['deep-nesting', 'unclosed-transactions']) {
      expect(() => parseOfx(input(name))).toThrow(OfxParseError);
      expect(() => parseOfx(input(name))).toThrow(new RegExp(`^elements are nested more than ${MAX_DEPTH} deep`));
    }
    expect(() => parseOfx(`<OFX>${'<AGG>'.repeat(MAX_DEPTH + 1)}${'</AGG>'.repeat(MAX_DEPTH + 1)}</OFX>`)).toThrow(
      OfxParseError,
    );
  });

  it('reads nesting just within the limit', () => {
    const depth = MAX_DEPTH - 1; // OFX itself is the first level
    const doc = `<OFX>${'<AGG>'.repeat(depth)}<L>1${'</AGG>'.repeat(depth)}</OFX>`;
    let node: OfxNode | undefined = parseOfx(doc).root;
    let levels = 0;
    while (node?.children) {
      node = node.children[0];
      levels += 1;
    }
    expect(levels).toBe(MAX_DEPTH);
    expect(node).toEqual({ name: 'L', value: '1' });
  });
});

describe('runs of markup characters', () => {
  it('keeps a leaf of bare < as text', () => {
    expect(parseOfx(input('lt-run')).signon?.fi?.org).toBe('<'.repeat(times('<')));
  });

  it('joins a leaf split by thousands of comments', () => {
    expect(parseOfx(input('comments-in-text')).signon?.fi?.org).toBe('a'.repeat(times('a<!---->')));
  });

  it('skips everything after a comment or processing instruction that never ends', () => {
    for (const name of ['unclosed-comments', 'pi-openers']) {
      const parsed = parseOfx(input(name));
      expect(parsed.signon?.status.code).toBe(0);
      expect(parsed.signon?.fi).toEqual({ org: null, fid: null });
    }
  });

  it('reads an end tag that never names anything as reaching to the next >, as before', () => {
    for (const name of ['lt-slash-run', 'lt-bang-run']) {
      const parsed = parseOfx(input(name));
      expect(parsed.signon?.status.code).toBe(0);
      expect(parsed.signon?.language).toBe('ENG');
    }
  });
});

describe('headers that go on and on', () => {
  it('reads the fields of a header full of letters without colons', () => {
    const parsed = parseOfx(input('header-letters'));
    expect(parsed.header.fields).toEqual({ OFXHEADER: '100' });
    expect(parsed.root).toEqual({ name: 'OFX', children: [] });
  });

  it('still finds keys that follow digits or punctuation, but not inside a word', () => {
    expect(readHeader('OFXHEADER:100\r\nxVERSION :102 ;CHARSET: 1252\r\n<OFX>').header.fields).toEqual({
      OFXHEADER: '100',
      XVERSION: '102',
      CHARSET: '1252',
    });
  });

  it('walks past thousands of XML declarations', () => {
    const parsed = parseOfx(input('xml-declarations'));
    expect(parsed.header.format).toBe('xml');
    expect(parsed.root).toEqual({ name: 'OFX', children: [] });
  });
});
