/**
 * The OFX header: SGML `KEY:VALUE` lines (1.x) or the `<?OFX ...?>` processing instruction (2.x).
 * Real files bend the rules: extra spaces, missing or reordered lines, CR/LF/CRLF, no blank line (or no
 * newline at all) before `<OFX>`, no header whatsoever. When there is no header the format is guessed from the
 * body: closed leaves (`<CODE>0</CODE>`) mean XML, reported as version "200"; otherwise SGML, version "102".
 */
import type { OfxFormat, OfxHeader } from './types.ts';

export interface HeaderReading {
  header: OfxHeader;
  /** Offset of the first body markup (normally `<OFX>`) in the text. */
  bodyStart: number;
}

/**
 * KEY:VALUE. A key starts only where a word starts (the lookbehind): tried at every letter of a long word, the
 * greedy key would rescan the rest of the word each time, quadratic in a header of letters without a colon.
 */
const SGML_FIELD = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*)[ \t]*:[ \t]*([^\s<]*)/g;
// Names start at word starts, as in SGML_FIELD: else every letter of a long run (a `<?OFX AAAA…` left unclosed by a
// broken file) starts a match that scans the run again, quadratic in its length (fuzz seed 20261201 case 2806).
const PI_ATTRIBUTE = /(?<![\w.-])([A-Za-z][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** How many tags to look at when guessing the format of a header-less file. */
const SNIFF_TAGS = 64;

function piAttributes(pi: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of pi.matchAll(PI_ATTRIBUTE)) fields[(m[1] ?? '').toUpperCase()] = m[2] ?? m[3] ?? '';
  return fields;
}

/** True when the first leaf of the body is closed right after its text, as XML requires. */
function looksLikeXml(text: string, from: number): boolean {
  let pos = from;
  for (let n = 0; n < SNIFF_TAGS; n++) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) return false;
    const gt = text.indexOf('>', lt);
    if (gt === -1) return false;
    const next = text.indexOf('<', gt);
    if (next === -1) return false;
    const name = text.slice(lt + 1, gt);
    if (/^[A-Za-z][\w.]*$/.test(name) && text.slice(gt + 1, next).trim() !== '') {
      return text.startsWith(`</${name}`, next);
    }
    pos = gt + 1;
  }
  return false;
}

export function readHeader(text: string): HeaderReading {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let ofxPi: string | null = null;
  let sawXmlDecl = false;
  let sgmlText = '';
  let bodyStart = text.length;
  // Walk past processing instructions (the XML declaration and <?OFX ...?>) to the first body tag.
  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      sgmlText += text.slice(pos);
      break;
    }
    sgmlText += text.slice(pos, lt);
    if (text.charCodeAt(lt + 1) !== 63 /* ? */) {
      bodyStart = lt;
      break;
    }
    const end = text.indexOf('?>', lt);
    const pi = text.slice(lt, end === -1 ? text.length : end + 2);
    if (/^<\?xml\b/i.test(pi)) sawXmlDecl = true;
    else if (/^<\?OFX\b/i.test(pi)) ofxPi = pi;
    pos = end === -1 ? text.length : end + 2;
  }

  if (ofxPi !== null) {
    const fields = piAttributes(ofxPi);
    return { header: { version: fields.VERSION || '200', format: 'xml', fields }, bodyStart };
  }
  const fields: Record<string, string> = {};
  for (const m of sgmlText.matchAll(SGML_FIELD)) fields[(m[1] ?? '').toUpperCase()] = m[2] ?? '';
  if (sawXmlDecl) return { header: { version: fields.VERSION || '200', format: 'xml', fields }, bodyStart };
  if ('OFXHEADER' in fields || 'DATA' in fields || 'VERSION' in fields) {
    const format: OfxFormat = /XML/i.test(fields.DATA ?? '') ? 'xml' : 'sgml';
    return { header: { version: fields.VERSION || (format === 'xml' ? '200' : '102'), format, fields }, bodyStart };
  }
  const format: OfxFormat = looksLikeXml(text, bodyStart) ? 'xml' : 'sgml';
  return { header: { version: format === 'xml' ? '200' : '102', format, fields: {} }, bodyStart };
}
