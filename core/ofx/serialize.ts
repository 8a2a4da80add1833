/**
 * Writes an OfxNode tree as an OFX file: 1.x SGML (9-line header, CRLF, unclosed leaves) or 2.x XML
 * (XML declaration and the OFX processing instruction). Used for requests we send and for the
 * simulated bank's responses, so both families are produced by one piece of code.
 */
import { encodeWindows1252, OfxCharsetError } from './charset.ts';
import type { OfxNode } from './tree.ts';
import type { OfxFormat } from './types.ts';
import { fastXmlParser } from './xml-library.ts';

export interface SerializeOptions {
  /** "102", "103" (SGML) or "200", "203", "211", "220" (XML). */
  version: string;
  /** Defaults to NONE; a fresh UUID is usual for requests. */
  newFileUid?: string;
  oldFileUid?: string;
  /** Server quirk `pretty`: a line break after every element, the last one included. */
  pretty?: boolean;
  /** Server quirk `unclosedelements`: leaf elements written SGML-style, without an end tag, even in XML. */
  unclosedLeaves?: boolean;
}

export function formatOfVersion(version: string): OfxFormat {
  return version.startsWith('1') ? 'sgml' : 'xml';
}

export function serializeOfx(root: OfxNode, options: SerializeOptions): string {
  return formatOfVersion(options.version) === 'sgml' ? serializeSgml(root, options) : serializeXml(root, options);
}

function sgmlHeader(o: SerializeOptions): string {
  return [
    'OFXHEADER:100',
    'DATA:OFXSGML',
    `VERSION:${o.version}`,
    'SECURITY:NONE',
    'ENCODING:USASCII',
    'CHARSET:1252',
    'COMPRESSION:NONE',
    `OLDFILEUID:${o.oldFileUid ?? 'NONE'}`,
    `NEWFILEUID:${o.newFileUid ?? 'NONE'}`,
    '',
    '',
  ].join('\r\n');
}

function xmlHeader(o: SerializeOptions): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n' +
    `<?OFX OFXHEADER="200" VERSION="${o.version}" SECURITY="NONE" OLDFILEUID="${o.oldFileUid ?? 'NONE'}" NEWFILEUID="${o.newFileUid ?? 'NONE'}"?>\r\n`
  );
}

/** SGML escaping: the spec asks for &lt; &gt; &amp; in data; nothing else is special. */
export function escapeSgml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function serializeSgml(root: OfxNode, o: SerializeOptions): string {
  const out: string[] = [sgmlHeader(o)];
  const walk = (node: OfxNode): void => {
    if (node.children) {
      out.push(`<${node.name}>\r\n`);
      for (const c of node.children) walk(c);
      out.push(`</${node.name}>\r\n`);
    } else {
      out.push(`<${node.name}>${escapeSgml(node.value ?? '')}\r\n`);
    }
  };
  walk(root);
  return out.join('');
}

type Ordered = Record<string, Ordered[] | { '#text': string }[]>;

function toOrdered(node: OfxNode): Ordered {
  if (node.children) return { [node.name]: node.children.map(toOrdered) };
  return { [node.name]: [{ '#text': node.value ?? '' }] };
}

let builder: InstanceType<ReturnType<typeof fastXmlParser>['XMLBuilder']> | undefined;

/** Made at the first XML written: 1.x (SGML) never loads the XML library. */
function xmlBuilder() {
  builder ??= new (fastXmlParser().XMLBuilder)({
    preserveOrder: true,
    format: true,
    indentBy: '  ',
    suppressEmptyNode: false,
    processEntities: true,
  });
  return builder;
}

/** `  <NAME>text</NAME>` as the builder writes a leaf on its own line; text never holds `<` (escaped). */
const CLOSED_LEAF_LINE = /^(\s*<([A-Za-z0-9.]+)>[^<\r\n]*)<\/\2>$/gm;

function serializeXml(root: OfxNode, o: SerializeOptions): string {
  let body = (xmlBuilder().build([toOrdered(root)]) as string).replace(/^\n/, '');
  if (o.unclosedLeaves) body = body.replace(CLOSED_LEAF_LINE, '$1');
  body = body.replace(/\n/g, '\r\n');
  // SGML already ends every element with CRLF; the XML builder leaves the last one without.
  if (o.pretty && !body.endsWith('\r\n')) body += '\r\n';
  return xmlHeader(o) + body;
}

/**
 * The bytes to send for an OFX text. 1.x files declare CHARSET:1252, so their text goes out as Windows-1252
 * bytes (’ is 0x92, € is 0x80); 2.x declares UTF-8. A 1.x text with a character 1252 lacks is refused, never
 * sent with a substitute (buildRequest has already named the field; this guards texts built elsewhere, and
 * names nothing, as the text may hold a password).
 */
export function encodeOfx(text: string): Uint8Array {
  if (!/^\s*OFXHEADER\s*:\s*100/.test(text)) return Buffer.from(text, 'utf8');
  const bytes = encodeWindows1252(text);
  if (bytes === null) throw new OfxCharsetError('the OFX text', null);
  return bytes;
}
