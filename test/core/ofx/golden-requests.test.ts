/**
 * Our builder against the OFX specification's own request examples (test/fixtures/spec, each citing its
 * section): independent of our declarations, so a wrong element order, a missing or extra element, or a wrong
 * value shows here even when the simulated bank (which validates with our declarations) accepts it.
 * Normalised: only DTCLIENT values (the examples' clocks); TRNUIDs are given to the builder as the examples
 * spell them, and NEWFILEUID lives in the header, which the examples do not show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRequest, type OfxVersion, type RequestItem, type SignonFields } from '../../../core/ofx/build.ts';
import { tokenizeOfx } from '../../../core/ofx/tokenizer.ts';
import type { OfxNode } from '../../../core/ofx/tree.ts';
import { validateOfxRequest } from '../../../core/ofx/validate.ts';

const spec = (name: string): string => readFileSync(join(import.meta.dirname, '../../fixtures/spec', name), 'utf8');

/** One line, no whitespace between tags, every DTCLIENT value replaced. */
function normalise(xml: string): string {
  return xml
    .slice(xml.indexOf('<OFX>'))
    .replace(/>\s+</g, '><')
    .trim()
    .replace(/<DTCLIENT>[^<]*<\/DTCLIENT>/g, '<DTCLIENT>*</DTCLIENT>');
}

/** The same tree with every DTCLIENT value replaced, for comparing SGML with the examples. */
function normaliseTree(node: OfxNode): OfxNode {
  if (node.children) return { name: node.name, children: node.children.map(normaliseTree) };
  return { name: node.name, value: node.name === 'DTCLIENT' ? '*' : node.value ?? '' };
}

const SPEC_SIGNON: SignonFields = {
  userId: '12345',
  password: 'MyPassword',
  org: 'ABC',
  fid: '000111222',
  appId: 'MyApp',
  appVer: '1600',
  clientUid: '22576921-8E39-4A82-9E3E-EDDB121ADDEE',
};

interface Example {
  file: string;
  section: string;
  signon: SignonFields;
  items: RequestItem[];
  trnuids: string[];
  /** Versions it belongs to: the §2.5.6 examples are "OFX 2.0.3 exchanges"; 1.0.3 prints the same in SGML. */
  versions: OfxVersion[];
}

const EXAMPLES: Example[] = [
  {
    file: 'signon-usercred.xml',
    section: '2.1.1 §2.5.6',
    signon: { ...SPEC_SIGNON, userCred1: 'MyPin', userCred2: 'MyID' },
    items: [],
    trnuids: [],
    versions: ['203', '211', '220', '103'],
  },
  {
    file: 'signon-authtoken.xml',
    section: '2.1.1 §2.5.6',
    signon: { ...SPEC_SIGNON, authToken: '1234567890' },
    items: [],
    trnuids: [],
    versions: ['203', '211', '220', '103'],
  },
  { file: 'signon-clientuid.xml', section: '2.1.1 §2.5.6', signon: SPEC_SIGNON, items: [], trnuids: [], versions: ['203', '211', '103'] },
  {
    file: 'mfa-challenge-request.xml',
    section: '2.1.1 §2.5.6',
    signon: SPEC_SIGNON,
    items: [{ kind: 'challenge' }],
    trnuids: ['66D3749F-5B3B-4DC3-87A3-8F795EA59EDB'],
    versions: ['203', '211', '220', '103'],
  },
  {
    file: 'mfa-answers.xml',
    section: '2.1.1 §2.5.6',
    signon: {
      ...SPEC_SIGNON,
      answers: [
        { id: 'MFA13', answer: '1234' },
        { id: 'MFA107', answer: 'ClientUserAgent' },
        { id: '123', answer: 'Anytown' },
      ],
    },
    items: [],
    trnuids: [],
    versions: ['203', '211', '220', '103'],
  },
  {
    file: 'bank-statement.xml',
    section: '2.1.1 §11.14.1',
    signon: { userId: '12345', password: 'MyPassword', org: 'NCH', fid: '1001', appId: 'MyApp', appVer: '0500' },
    items: [{ kind: 'statement', account: { kind: 'bank', bankId: '121099999', accountId: '999988', accountType: 'CHECKING' } }],
    trnuids: ['1001'],
    versions: ['102', '103', '200', '211', '220'],
  },
];

function build(example: Example, version: OfxVersion): string {
  const ids = [...example.trnuids, 'NEWFILEUID-OF-THIS-TEST'];
  return buildRequest(
    { version, signon: example.signon, items: example.items },
    { now: new Date(Date.UTC(2006, 2, 21, 8, 30, 20)), uuid: () => ids.shift() as string },
  ).body;
}

describe.each(EXAMPLES)('the spec example $file (OFX $section)', (example) => {
  const xmlVersions = example.versions.filter((v) => v.startsWith('2'));
  const sgmlVersions = example.versions.filter((v) => v.startsWith('1'));

  it.each(xmlVersions)('is what we send in %s, element for element', (version) => {
    expect(normalise(build(example, version))).toBe(normalise(spec(example.file)));
  });

  it.each(sgmlVersions)('has the tree of what we send in %s (SGML)', (version) => {
    const ours = tokenizeOfx(build(example, version).replace(/^[\s\S]*?(?=<OFX>)/, ''))[0] as OfxNode;
    const theirs = tokenizeOfx(spec(example.file))[0] as OfxNode;
    expect(normaliseTree(ours)).toEqual(normaliseTree(theirs));
  });

  it('passes the request validator the simulated bank uses', () => {
    const version = xmlVersions[xmlVersions.length - 1] ?? '211';
    const header = `<?xml version="1.0" encoding="UTF-8"?>\r\n<?OFX OFXHEADER="200" VERSION="${version}" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="1"?>\r\n`;
    expect(validateOfxRequest(header + spec(example.file))).toEqual({ ok: true, version, format: 'xml' });
  });
});
