/**
 * Bytes to text. OFX files declare their charset in the header (SGML CHARSET/ENCODING lines, or the XML
 * declaration), and servers are known to lie: "USASCII" files carry 1252 bytes such as é = 0xE9, and "UTF-8"
 * files sometimes carry 1252 too. The header is read as latin1 first (it is ASCII), then the body decoded.
 */
import { Buffer, isAscii } from 'node:buffer';

export type OfxCharset = 'utf-8' | 'windows-1252' | 'latin1' | 'utf-16le' | 'utf-16be';

/** How far to look for the header; real headers are a few hundred bytes. */
const HEADER_WINDOW = 4096;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function xmlEncodingCharset(label: string): OfxCharset {
  const l = label.trim().toLowerCase();
  if (l === 'iso-8859-1' || l === 'latin1' || l === 'iso8859-1' || l === 'l1') return 'latin1';
  if (l === 'us-ascii' || l === 'ascii' || l === 'windows-1252' || l === 'cp1252') return 'windows-1252';
  if (l === 'utf-16' || l === 'utf-16le') return 'utf-16le';
  if (l === 'utf-16be') return 'utf-16be';
  return 'utf-8';
}

function sgmlCharset(head: string): OfxCharset | null {
  const field = (key: string): string | null => {
    const m = new RegExp(`(?:^|[\\s>])${key}[ \\t]*:[ \\t]*([^\\s<]*)`, 'i').exec(head);
    return m ? (m[1] ?? '').toUpperCase() : null;
  };
  const encoding = field('ENCODING');
  const charset = field('CHARSET');
  if (encoding === null && charset === null) return null;
  if (encoding === 'UTF-8' || encoding === 'UTF8' || charset === 'UTF-8' || charset === 'UTF8') return 'utf-8';
  if (charset !== null && /8859-?1$/.test(charset)) return 'latin1';
  // CHARSET:1252, CHARSET:NONE and ENCODING:USASCII all read best as windows-1252 (a superset of ASCII).
  return 'windows-1252';
}

/** The charset the bytes should be read with, from the BOM or the header; null = no declaration found. */
export function detectCharset(bytes: Uint8Array): { charset: OfxCharset; bomLength: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', bomLength: 2 };
  // UTF-16 without a BOM shows itself: `<?` is 3C 00 3F 00 (LE) or 00 3C 00 3F (BE) (XML 1.0 Appendix F).
  if (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0) return { charset: 'utf-16le', bomLength: 0 };
  if (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) return { charset: 'utf-16be', bomLength: 0 };
  const head = asBuffer(bytes.subarray(0, HEADER_WINDOW)).toString('latin1');
  const xmlDecl = /<\?xml\b[^>]*?\?>/i.exec(head);
  if (xmlDecl) {
    const enc = /encoding\s*=\s*["']([^"']*)["']/i.exec(xmlDecl[0]);
    const declared = enc ? xmlEncodingCharset(enc[1] ?? '') : 'utf-8';
    // A declaration readable one byte per character was not written in UTF-16, whatever it says: real files
    // say encoding="utf-16" over plain UTF-8 bytes. The bytes win (read leniently as UTF-8, else 1252).
    return { charset: declared === 'utf-16le' || declared === 'utf-16be' ? 'utf-8' : declared, bomLength: 0 };
  }
  const bodyStart = head.indexOf('<');
  const charset = sgmlCharset(bodyStart === -1 ? head : head.slice(0, bodyStart));
  return charset ? { charset, bomLength: 0 } : null;
}

/**
 * Windows-1252 differs from latin1 only in 0x80..0x9F (€, curly quotes, dashes, ...). Node 20's
 * TextDecoder('windows-1252') decodes those bytes as latin1 control characters (seen on 20.20), so the
 * 32 code points are mapped here; undefined positions (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they are.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const text = asBuffer(bytes).toString('latin1');
  // Pure ASCII (the common case) needs no mapping at all.
  if (isAscii(bytes)) return text;
  return text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function decodeUtf8Lenient(bytes: Uint8Array): string {
  if (isAscii(bytes)) return asBuffer(bytes).toString('latin1');
  try {
    return utf8Strict.decode(bytes);
  } catch {
    // Declared (or assumed) UTF-8 but not valid UTF-8: such servers write windows-1252.
    return decodeWindows1252(bytes);
  }
}

/** Text of an OFX file given as a string (a leading BOM is dropped) or as bytes (charset detected). */
export function decodeOfx(input: string | Uint8Array): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const detected = detectCharset(input);
  const body = detected ? input.subarray(detected.bomLength) : input;
  switch (detected?.charset) {
    case 'windows-1252':
      return decodeWindows1252(body);
    case 'latin1':
      return asBuffer(body).toString('latin1');
    case 'utf-16le':
    case 'utf-16be':
      return new TextDecoder(detected.charset).decode(body);
    default:
      return decodeUtf8Lenient(body);
  }
}
