/**
 * The ways the fuzzer breaks an OFX file. Each mutation takes the bytes and a random stream and returns new
 * bytes; text-level edits work on a latin1 view, which maps every byte to one character and back unchanged,
 * so invalid UTF-8 or 1252 bytes survive them untouched. Sizes are bounded (MAX_BYTES) to keep a run fast;
 * the huge shapes are large enough to expose anything quadratic (a 100k-deep nesting is 10^10 steps then).
 */
import { Buffer } from 'node:buffer';
import type { Random } from './random.ts';

export const MAX_BYTES = 4 * 1024 * 1024;

export interface Mutation {
  name: string;
  apply(bytes: Buffer, random: Random, donors: readonly Buffer[]): Buffer;
}

const latin1 = (b: Buffer): string => b.toString('latin1');
const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Offsets of every `<` (or, failing that, a random offset), where markup-level edits happen. */
function tagOffsets(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf('<'); i !== -1; i = s.indexOf('<', i + 1)) out.push(i);
  return out;
}

function randomTagOffset(s: string, random: Random): number {
  const tags = tagOffsets(s);
  return tags.length > 0 ? random.pick(tags) : random.int(0, s.length);
}

/** Start tags `<NAME>` as [offset, name]. */
function startTags(s: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const m of s.matchAll(/<([A-Za-z][A-Za-z0-9._]{0,40})>/g)) out.push([m.index, m[1] as string]);
  return out;
}

function insertAt(s: string, at: number, piece: string): string {
  return s.slice(0, at) + piece + s.slice(at);
}

function repeatTo(piece: string, count: number): string {
  return piece.repeat(Math.max(1, Math.min(count, Math.floor(MAX_BYTES / Math.max(1, piece.length)))));
}

const NAMES = ['OFX', 'STMTRS', 'BANKTRANLIST', 'STMTTRN', 'STATUS', 'SONRS', 'CODE', 'TRNAMT', 'NAME', 'MEMO', 'A', 'INTU.BID', 'x'];

/** Text a decoder might have made of a string, to re-encode it in another charset. */
function decodeLoosely(b: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return latin1(b);
  }
}

function encodeUtf16(text: string, bigEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  if (bigEndian) le.swap16();
  return le;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'truncate',
    apply: (b, r) => b.subarray(0, r.int(0, b.length)),
  },
  {
    name: 'byte-flips',
    apply: (b, r) => {
      const out = Buffer.from(b);
      const flips = r.size(64);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = r.int(0, out.length - 1);
        out[at] = r.chance(50) ? (out[at] as number) ^ (1 << r.int(0, 7)) : r.int(0, 255);
      }
      return out;
    },
  },
  {
    name: 'tag-deletion',
    apply: (b, r) => {
      let s = latin1(b);
      for (let n = r.size(20); n > 0; n--) {
        const at = randomTagOffset(s, r);
        const gt = s.indexOf('>', at);
        s = s.slice(0, at) + s.slice(gt === -1 ? s.length : gt + 1);
      }
      return bytesOf(s);
    },
  },
  {
    name: 'tag-duplication',
    apply: (b, r) => {
      const s = latin1(b);
      const at = randomTagOffset(s, r);
      const gt = s.indexOf('>', at);
      const tag = s.slice(at, gt === -1 ? s.length : gt + 1);
      return bytesOf(insertAt(s, at, repeatTo(tag, r.size(100_000))));
    },
  },
  {
    name: 'element-duplication',
    apply: (b, r) => {
      const s = latin1(b);
      const tags = startTags(s);
      if (tags.length === 0) return b;
      const [at, name] = r.pick(tags);
      const close = s.indexOf(`</${name}>`, at);
      const end = close === -1 ? Math.min(s.length, at + 200) : close + name.length + 3;
      return bytesOf(insertAt(s, end, repeatTo(s.slice(at, end), r.size(5_000))));
    },
  },
  {
    name: 'nesting-bomb',
    apply: (b, r) => {
      const s = latin1(b);
      const name = r.pick(NAMES);
      const depth = r.size(200_000);
      const open = repeatTo(`<${name}>`, depth);
      const closeName = r.chance(50) ? name : r.pick(NAMES);
      const shape = r.int(0, 3);
      // Closed by their own end tags, by another name's (stray end tags), left open, or leaf-filled.
      const bomb =
        shape === 0 ? open + repeatTo(`</${name}>`, depth)
        : shape === 1 ? open + repeatTo(`</${closeName}>`, depth)
        : shape === 2 ? open
        : repeatTo(`<${name}><CODE>0`, depth);
      return bytesOf(insertAt(s, randomTagOffset(s, r), bomb));
    },
  },
  {
    name: 'huge-number',
    apply: (b, r) => {
      const s = latin1(b);
      const values = [
        '9'.repeat(r.size(1_000_000)),
        `-${'1'.repeat(r.size(200_000))}.${'0'.repeat(r.size(200_000))}`,
        `${'1'.repeat(r.size(300_000))}x`,
        `${'1,'.repeat(r.size(300_000))}5`,
        `${'1.'.repeat(r.size(300_000))}5`,
        '1e308', '-1e-400', 'NaN', 'Infinity', '-0', '0x1F', '+', '-', '.', ',', '1,5,5', '١٢٣',
        `2025${'1'.repeat(r.size(300_000))}`, '20251332', '20250231120000[-99:XYZ]', `20250101120000.${'9'.repeat(r.size(100_000))}`,
        `20250101[${'-'.repeat(r.size(100_000))}`,
      ];
      const value = r.pick(values);
      // Into the text of a leaf: after a random start tag's '>'.
      const tags = startTags(s);
      if (tags.length === 0) return bytesOf(s + value);
      const [at] = r.pick(tags);
      const gt = s.indexOf('>', at) + 1;
      const next = s.indexOf('<', gt);
      return bytesOf(s.slice(0, gt) + value + s.slice(next === -1 ? s.length : next));
    },
  },
  {
    name: 'huge-element',
    apply: (b, r) => {
      const s = latin1(b);
      const at = randomTagOffset(s, r);
      const n = r.size(2_000_000);
      const pieces = [
        `<${'A'.repeat(n)}>`,
        `<MEMO>${'x'.repeat(n)}`,
        `<NAME>${'a '.repeat(n >> 1)}</NAME>`,
        `<MEMO>${'<'.repeat(n)}`,
        `<MEMO>${'a<b '.repeat(n >> 2)}`,
        `<MEMO>${'&'.repeat(n)}`,
        `<MEMO>${'&amp'.repeat(n >> 2)}`,
        `<MEMO>${'&#x'.repeat(n >> 2)}`,
        `<${'A'.repeat(n)}`,
        `</${'A'.repeat(n)}`,
        `<A ${'x="1" '.repeat(n >> 3)}>`,
      ];
      return bytesOf(insertAt(s, at, r.pick(pieces)));
    },
  },
  {
    name: 'invalid-utf8',
    apply: (b, r) => {
      let s = latin1(b);
      const bad = ['\x80', '\xbf', '\xc0\x80', '\xc3', '\xe2\x82', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xf8\x88\x80\x80\x80', '\xff', '\xfe', '\xef\xbb'];
      if (r.chance(50)) s = s.replace(/CHARSET:[^\s<]*/i, 'CHARSET:UTF-8').replace(/encoding="[^"]*"/i, 'encoding="UTF-8"');
      for (let n = r.size(50); n > 0; n--) s = insertAt(s, r.int(0, s.length), r.pick(bad));
      return bytesOf(s);
    },
  },
  {
    name: 'cp1252',
    apply: (b, r) => {
      let s = latin1(b);
      const declarations = ['CHARSET:1252', 'CHARSET:NONE', 'CHARSET:8859-1', 'CHARSET:UTF-8', 'ENCODING:USASCII', 'ENCODING:UTF-8', 'CHARSET:KOI8', 'CHARSET:'];
      s = s.replace(/CHARSET:[^\s<]*/i, r.pick(declarations));
      const xml = ['encoding="windows-1252"', 'encoding="ISO-8859-1"', 'encoding="US-ASCII"', 'encoding="utf-16"', 'encoding="UTF-16BE"', 'encoding="EBCDIC"', "encoding=''"];
      s = s.replace(/encoding="[^"]*"/i, r.pick(xml));
      for (let n = r.size(50); n > 0; n--) s = insertAt(s, r.int(0, s.length), String.fromCharCode(r.int(0x80, 0xff)));
      return bytesOf(s);
    },
  },
  {
    name: 'utf16',
    apply: (b, r) => {
      let text = decodeLoosely(b);
      if (r.chance(50)) {
        // Make the declaration agree, disagree, or vanish.
        const label = r.pick(['utf-16', 'UTF-16LE', 'utf-16be', 'utf-8', 'UNICODE']);
        text = /encoding=/i.test(text) ? text.replace(/encoding="[^"]*"/i, `encoding="${label}"`) : text.replace(/CHARSET:[^\s<]*/i, `CHARSET:${label}`);
      }
      const shape = r.int(0, 4);
      // UTF-16 LE/BE with or without a BOM, a BOM over UTF-8 bytes, and UTF-8 that only says utf-16.
      let out =
        shape === 0 ? encodeUtf16(text, false, r.chance(50))
        : shape === 1 ? encodeUtf16(text, true, r.chance(50))
        : shape === 2 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf8')])
        : shape === 3 ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf8')])
        : Buffer.from(text.replace(/encoding="[^"]*"/i, 'encoding="utf-16"'), 'utf8');
      // An odd byte count, or a lone surrogate.
      if (r.chance(20)) out = out.subarray(0, Math.max(0, out.length - 1));
      if (r.chance(20)) out = Buffer.concat([out, Buffer.from([0x00, 0xd8])]);
      return out;
    },
  },
  {
    name: 'entities',
    apply: (b, r) => {
      let s = latin1(b);
      const doctypes = [
        '<!DOCTYPE OFX [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE OFX SYSTEM "http://127.0.0.1:1/evil.dtd">',
        `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`,
        '<!ENTITY % pe SYSTEM "file:///etc/shadow">%pe;',
        '<!ELEMENT OFX ANY>',
        '<!ATTLIST OFX a CDATA #IMPLIED>',
        '<!NOTATION n SYSTEM "x">',
        '<!doctype ofx>',
        '<! DOCTYPE OFX>',
        '<!>',
        '<![INCLUDE[<CODE>1]]>',
      ];
      const refs = ['&xxe;', '&lol9;', '&pe;', '&#0;', '&#xD800;', '&#x110000;', '&#99999999999;', '&#65;', '&#x41;', '&amp;amp;', '&lt;OFX&gt;', '&#60;OFX&#62;', '&quot;&apos;', '&;', '&#;', '&#x;', `&${'a'.repeat(r.size(100_000))};`];
      const where = r.chance(30) ? 0 : randomTagOffset(s, r);
      if (r.chance(60)) s = insertAt(s, where, r.pick(doctypes));
      for (let n = r.size(30); n > 0; n--) {
        const tags = startTags(s);
        const at = tags.length > 0 ? s.indexOf('>', r.pick(tags)[0]) + 1 : r.int(0, s.length);
        s = insertAt(s, at, r.pick(refs));
      }
      return bytesOf(s);
    },
  },
  {
    name: 'comments',
    apply: (b, r) => {
      let s = latin1(b);
      const pieces = ['<!-- a comment -->', '<!---->', '<!-- <OFX> </OFX> -->', '<!-- -- -->', '<!--', '-->', '<!-->', '--!>', '<?pi x?>', '<?', '?>', '<![CDATA[ <CODE>2000 ]]>', '<![CDATA[', ']]>', '<!-', '<!', '< >', '<>', '</>', '<\0>'];
      const anywhere = r.chance(50);
      // Between tags, or anywhere at all: inside tag names, values, the header. Offsets are chosen on the
      // original text and filled in from the end, so each insertion leaves the others' offsets valid (scanning
      // a 4 MB text for its tags once per insertion made building one case take minutes: seed 20261201 case 7094).
      const tags = anywhere ? [] : tagOffsets(s);
      const at = Array.from({ length: r.size(200) }, () => (anywhere || tags.length === 0 ? r.int(0, s.length) : r.pick(tags)));
      at.sort((a, b) => b - a);
      const parts: string[] = [];
      let end = s.length;
      for (const offset of at) {
        parts.push(s.slice(offset, end), r.pick(pieces));
        end = offset;
      }
      parts.push(s.slice(0, end));
      return bytesOf(parts.reverse().join(''));
    },
  },
  {
    name: 'markup-noise',
    apply: (b, r) => {
      let s = latin1(b);
      switch (r.int(0, 5)) {
        case 0:
          s = s.replace(/<(\/?)([A-Z][A-Z0-9.]*)/g, (_m, slash: string, name: string) => `<${slash}${r.chance(50) ? name.toLowerCase() : name}`);
          break;
        case 1:
          s = s.replace(/\r?\n/g, r.pick(['', '\r', '\r\n', '\n\n', ' ']));
          break;
        case 2:
          for (let n = r.size(100); n > 0; n--) s = insertAt(s, r.int(0, s.length), r.pick(['\0', '\t', '\v', '\f', '\u0085', '\xa0']));
          break;
        case 3:
          s = s.replace(/<\/[A-Za-z][^>]*>/g, (m) => (r.chance(50) ? '' : m));
          break;
        case 4:
          s = s.replace(/>/g, (m) => (r.chance(5) ? '' : m));
          break;
        default:
          s = s.replace(/</g, (m) => (r.chance(5) ? '' : m));
      }
      return bytesOf(s);
    },
  },
  {
    name: 'splice',
    apply: (b, r, donors) => {
      const donor = r.pick(donors);
      const from = r.int(0, donor.length);
      const piece = donor.subarray(from, from + r.size(donor.length - from));
      const at = r.int(0, b.length);
      return Buffer.concat([b.subarray(0, at), piece, b.subarray(r.chance(50) ? at : r.int(at, b.length))]);
    },
  },
];

/** One fuzz case: which seed file, which mutations in order, and the bytes they made. */
export interface FuzzCase {
  index: number;
  seedFile: string;
  mutations: string[];
  bytes: Buffer;
}

export interface SeedFile {
  name: string;
  bytes: Buffer;
}

/**
 * Case `index` of a run: a seed file and one to three mutations, all chosen by the case's own stream. A smaller
 * `maxBytes` (the short run in `npm test`) cuts each step's output there: the same cases, only shorter.
 */
export function makeCase(seeds: readonly SeedFile[], random: Random, index: number, maxBytes = MAX_BYTES): FuzzCase {
  const seed = random.pick(seeds);
  const donors = seeds.map((s) => s.bytes);
  let bytes = seed.bytes;
  const mutations: string[] = [];
  for (let n = random.int(1, 3); n > 0; n--) {
    const mutation = random.pick(MUTATIONS);
    bytes = mutation.apply(bytes, random, donors);
    if (bytes.length > maxBytes) bytes = bytes.subarray(0, maxBytes);
    mutations.push(mutation.name);
  }
  return { index, seedFile: seed.name, mutations, bytes };
}
