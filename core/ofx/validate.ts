/**
 * A strict check of an OFX request, for the simulated bank (every request it receives) and for tests of what we
 * send. Unlike the parser, which forgives what real servers do, this insists on the spec: a proper header, XML
 * that is well formed (2.x), and a body that matches the declarations of aggregates.ts: known elements only,
 * required ones present, in the declared order, with well-formed values.
 */
import { OfxParseError } from '../errors.ts';
import { aggregateDecl, OFX_DATETIME, type AggregateDecl, type ChildDecl } from './aggregates.ts';
import { parseOfx } from './parse.ts';
import type { OfxNode } from './tree.ts';
import type { OfxFormat } from './types.ts';
import { fastXmlParser } from './xml-library.ts';

export type RequestValidation =
  | { ok: true; version: string; format: OfxFormat }
  | { ok: false; errors: string[] };

const SGML_VERSIONS = ['102', '103'];
const XML_VERSIONS = ['200', '201', '202', '203', '210', '211', '220'];
const SGML_HEADER_KEYS = [
  'OFXHEADER',
  'DATA',
  'VERSION',
  'SECURITY',
  'ENCODING',
  'CHARSET',
  'COMPRESSION',
  'OLDFILEUID',
  'NEWFILEUID',
];
const XML_PI_ATTRIBUTES = ['OFXHEADER', 'VERSION', 'SECURITY', 'OLDFILEUID', 'NEWFILEUID'];

export function validateOfxRequest(text: string): RequestValidation {
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) return fail('DOCTYPE and ENTITY declarations are not allowed');
  const start = text.replace(/^\uFEFF/, '');
  const format: OfxFormat | null = /^\s*<\?(xml|OFX)\b/.test(start) ? 'xml' : /^OFXHEADER:/.test(start) ? 'sgml' : null;
  if (!format) return fail('no OFX header: expected OFXHEADER:100 (1.x) or <?OFX OFXHEADER="200" ...?> (2.x)');

  if (format === 'xml') {
    // Well-formedness first; fast-xml-parser's validator does not expand entities.
    const wellFormed = fastXmlParser().XMLValidator.validate(start);
    if (wellFormed !== true) return fail(`malformed XML at line ${wellFormed.err.line}: ${wellFormed.err.msg}`);
  }
  const header = format === 'xml' ? checkXmlHeader(start) : checkSgmlHeader(start);
  if ('errors' in header) return { ok: false, errors: header.errors };

  let root: OfxNode;
  try {
    root = parseOfx(start).root;
  } catch (err) {
    if (err instanceof OfxParseError) return fail(err.message);
    throw err;
  }
  const errors: string[] = [];
  checkAggregate(root, aggregateDecl('OFX'), 'OFX', hasMfa(header.version), errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, version: header.version, format };
}

function fail(error: string): RequestValidation {
  return { ok: false, errors: [error] };
}

function hasMfa(version: string): boolean {
  return version === '103' || Number(version) >= 203;
}

type HeaderCheck = { version: string } | { errors: string[] };

/** The nine KEY:VALUE lines in the spec's order, then a blank line before <OFX> (§2.2, 1.x). */
function checkSgmlHeader(text: string): HeaderCheck {
  const lines = text.slice(0, Math.max(0, text.indexOf('<'))).split(/\r?\n/);
  const errors: string[] = [];
  const values: Record<string, string> = {};
  SGML_HEADER_KEYS.forEach((key, i) => {
    const match = /^([A-Z]+):(.*)$/.exec(lines[i] ?? '');
    if (!match || match[1] !== key) errors.push(`header line ${i + 1} must be ${key}:...`);
    else if ((match[2] ?? '').trim() === '') errors.push(`header ${key} is empty`);
    else values[key] = (match[2] ?? '').trim();
  });
  const rest = lines.slice(SGML_HEADER_KEYS.length);
  if (rest.length < 2 || rest.some((l) => l.trim() !== '')) errors.push('the header must end with a blank line before <OFX>');
  if (values.OFXHEADER !== undefined && values.OFXHEADER !== '100') errors.push('header OFXHEADER must be 100');
  if (values.DATA !== undefined && values.DATA !== 'OFXSGML') errors.push('header DATA must be OFXSGML');
  const version = values.VERSION ?? '';
  if (values.VERSION !== undefined && !SGML_VERSIONS.includes(version)) {
    errors.push(`header VERSION must be one of ${SGML_VERSIONS.join(', ')}`);
  }
  return errors.length > 0 ? { errors } : { version };
}

/** <?xml ...?> (optional) then <?OFX OFXHEADER="200" VERSION SECURITY OLDFILEUID NEWFILEUID?> before <OFX> (§2.2, 2.x). */
function checkXmlHeader(text: string): HeaderCheck {
  const prolog = text.slice(0, Math.max(0, text.search(/<OFX[\s>]/)));
  const pi = /^\s*(<\?xml\s[^?]*\?>\s*)?<\?OFX\s([^?]*)\?>\s*$/.exec(prolog);
  if (!pi) return { errors: ['the OFX processing instruction <?OFX ...?> must come right before <OFX>'] };
  const attributes = new Map([...(pi[2] ?? '').matchAll(/([A-Z]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const errors = XML_PI_ATTRIBUTES.filter((a) => !attributes.get(a)).map((a) => `OFX header ${a} is missing`);
  if (attributes.has('OFXHEADER') && attributes.get('OFXHEADER') !== '200') errors.push('OFX header OFXHEADER must be "200"');
  const version = attributes.get('VERSION') ?? '';
  if (version && !XML_VERSIONS.includes(version)) errors.push(`OFX header VERSION must be one of ${XML_VERSIONS.join(', ')}`);
  return errors.length > 0 ? { errors } : { version };
}

function occursOnce(child: ChildDecl): boolean {
  return child.occurs === '1' || child.occurs === '?';
}

function required(child: ChildDecl): boolean {
  return child.occurs === '1' || child.occurs === '+';
}

/** Matches the children against the declared sequence, reporting each problem once with its element path. */
function checkAggregate(node: OfxNode, decl: AggregateDecl, path: string, mfa: boolean, errors: string[]): void {
  if (!node.children) {
    errors.push(`${path} must be an aggregate`);
    return;
  }
  const counts = decl.children.map(() => 0);
  let position = 0;
  for (const kid of node.children) {
    const index = decl.children.findIndex((c) => c.name === kid.name);
    const child = decl.children[index];
    if (!child) {
      errors.push(`${path}: unknown element ${kid.name}`);
      continue;
    }
    counts[index] = (counts[index] ?? 0) + 1;
    if (index < position) {
      errors.push(`${path}: ${kid.name} is out of order (it belongs before ${decl.children[position]?.name})`);
    } else {
      position = index;
    }
    if (counts[index] === 2 && occursOnce(child)) errors.push(`${path}: ${kid.name} appears more than once`);
    if (child.mfa && !mfa) errors.push(`${path}: ${kid.name} needs OFX 1.0.3 or 2.0.3 and later`);
    const childPath = `${path}/${kid.name}`;
    if (child.kind === 'aggregate') checkAggregate(kid, aggregateDecl(child.name), childPath, mfa, errors);
    else checkLeaf(kid, child, childPath, errors);
  }
  decl.children.forEach((child, i) => {
    if (required(child) && counts[i] === 0) errors.push(`${path}: missing ${child.name}`);
  });
}

function checkLeaf(node: OfxNode, decl: Extract<ChildDecl, { kind: 'leaf' }>, path: string, errors: string[]): void {
  if (node.children && node.children.length > 0) {
    errors.push(`${path} must be a value, not an aggregate`);
    return;
  }
  const value = node.value ?? '';
  if (value.trim() === '') {
    errors.push(`${path} is empty`);
    return;
  }
  const type = decl.type;
  if (type === 'bool' && value !== 'Y' && value !== 'N') errors.push(`${path} must be Y or N`);
  else if (type === 'datetime' && !OFX_DATETIME.test(value)) errors.push(`${path} is not an OFX date-time`);
  else if (typeof type === 'object' && !type.oneOf.includes(value)) errors.push(`${path} must be one of ${type.oneOf.join(', ')}`);
}
