/**
 * Each server quirk changes the built request exactly as fi.cfg describes it, in SGML (1.0.3) and XML (2.2.0);
 * the golden bodies (test/fixtures/requests/, captured before quirks existed) are the "without" side.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRequest, maskRequest, type RequestSpec } from '../../../core/ofx/build.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { applyQuirkChanges, checkQuirk, formatQuirks, parseQuirkSetting, requestQuirks } from '../../../core/ofx/quirks.ts';
import type { OfxNode } from '../../../core/ofx/tree.ts';
import { goldenContext, goldenSpecs } from './golden-requests.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/requests/${name}.ofx`, import.meta.url), 'utf8');
const spec = (name: string): RequestSpec => (goldenSpecs().find((g) => g.name === name) as { spec: RequestSpec }).spec;
const build = (name: string, quirks: Record<string, string>) => buildRequest({ ...spec(name), quirks }, goldenContext());

function countNodes(node: OfxNode, pick: (n: OfxNode) => boolean): number {
  return (pick(node) ? 1 : 0) + (node.children ?? []).reduce((n, c) => n + countNodes(c, pick), 0);
}

const FORMATS = [
  ['SGML', '103'],
  ['XML', '220'],
] as const;

describe.each(FORMATS)('quirks in %s', (format, version) => {
  const name = `${version}-statements`;
  const golden = fixture(name);

  it('pretty: a line break after each element', () => {
    const { body, root } = build(name, { pretty: 'true' });
    const afterHeader = body.slice(body.indexOf('<OFX>'));
    // Every tag, opening or closing, ends its line: one line per element start, one per aggregate end.
    const lines = afterHeader.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => /^\s*<[^<]+(<\/[A-Z0-9.]+>)?$/.test(l))).toBe(true);
    expect(lines.length - 1).toBe(countNodes(root, () => true) + countNodes(root, (n) => n.children !== undefined));
    if (format === 'SGML') {
      // SGML requests already put each element on its own line.
      expect(body).toBe(golden);
    } else {
      // The XML writer left the closing </OFX> without one.
      expect(golden.endsWith('</OFX>')).toBe(true);
      expect(body).toBe(`${golden}\r\n`);
    }
  });

  it('unclosedelements: leaf elements without end tags, aggregates still closed', () => {
    const { body, root } = build(name, { unclosedelements: 'true' });
    const aggregates = countNodes(root, (n) => n.children !== undefined);
    expect([...body.matchAll(/<\//g)]).toHaveLength(aggregates);
    expect(body).toMatch(/<USERID>alice\r\n/);
    expect(body).toMatch(/<ORG>AT&amp;T &lt;Bank&gt;\r\n/);
    if (format === 'SGML') {
      expect(body).toBe(golden);
    } else {
      expect(body).not.toBe(golden);
      expect(body.replace(/^(\s*)<([A-Z0-9.]+)>([^<\r\n]+)$/gm, '$1<$2>$3</$2>')).toBe(golden);
      // Still the same document to a lenient reader.
      expect(parseOfx(body).root).toEqual(parseOfx(golden).root);
    }
  });

  it('clientuid = (empty): no CLIENTUID element at all', () => {
    expect(golden).toContain('<CLIENTUID>c1d2e3f4-0000-4000-8000-000000000000');
    const { body } = build(name, { clientuid: '' });
    expect(body).not.toContain('CLIENTUID');
    const withoutLine = golden.replace(/[ ]*<CLIENTUID>c1d2e3f4-0000-4000-8000-000000000000(<\/CLIENTUID>)?\r\n/, '');
    expect(body).toBe(withoutLine);
    // Every request kind, the challenge and the answers too.
    for (const kind of ['challenge', 'answers', 'accounts', 'profile']) {
      expect(build(`${version}-${kind}`, { clientuid: '' }).body).not.toContain('CLIENTUID');
    }
  });

  it('nonewfileuid: NEWFILEUID NONE, everything else unchanged', () => {
    const built = build(name, { nonewfileuid: 'true' });
    expect(built.newFileUid).toBe('NONE');
    const header = format === 'SGML' ? /NEWFILEUID:00000000-0000-4000-8000-\d{12}/ : /NEWFILEUID="00000000-0000-4000-8000-\d{12}"/;
    expect(golden).toMatch(header);
    expect(built.body).toBe(golden.replace(header, format === 'SGML' ? 'NEWFILEUID:NONE' : 'NEWFILEUID="NONE"'));
  });

  it('useragent and unknown quirks leave the body as it was (the User-Agent is the transport\'s)', () => {
    expect(build(name, { useragent: 'ofxtools' }).body).toBe(golden);
    expect(build(name, { somethingnew: 'x', chgpinfirst: 'true' }).body).toBe(golden);
    expect(build(name, {}).body).toBe(golden);
  });

  it('quirks survive masking for --dry-run', () => {
    const masked = maskRequest({ ...spec(name), quirks: { clientuid: '', nonewfileuid: 'true' } });
    const { body } = buildRequest(masked, goldenContext());
    expect(body).not.toContain('CLIENTUID');
    expect(body).toMatch(/NEWFILEUID(:|=")NONE/);
    expect(body).not.toContain('s3cret');
  });
});

it('pretty and unclosedelements together in XML (USAA-style)', () => {
  const { body } = build('220-statements', { pretty: 'true', unclosedelements: 'true' });
  expect(body.endsWith('</OFX>\r\n')).toBe(true);
  expect(body).toMatch(/<DTCLIENT>20261005170000.000\[\+0:UTC\]\r\n/);
});

describe('quirk settings', () => {
  it('reads fi.cfg values and command-line settings', () => {
    expect(requestQuirks({ pretty: 'true', unclosedelements: 'false', clientuid: '', useragent: ' ofxtools ' })).toEqual({
      pretty: true,
      unclosedElements: false,
      noNewFileUid: false,
      noClientUid: true,
      userAgent: 'ofxtools',
    });
    expect(checkQuirk('Pretty', 'yes')).toBe('true');
    expect(checkQuirk('pretty', 'off')).toBeNull();
    expect(() => checkQuirk('pretty', 'maybe')).toThrow(/true or false/);
    expect(() => checkQuirk('useragent', '')).toThrow(/needs a value/);
    expect(() => checkQuirk('clientuid', 'abc')).toThrow(/empty value/);
    expect(parseQuirkSetting('pretty')).toEqual({ name: 'pretty', value: 'true' });
    expect(parseQuirkSetting('useragent=Quicken/2700')).toEqual({ name: 'useragent', value: 'Quicken/2700' });
    expect(parseQuirkSetting('clientuid=')).toEqual({ name: 'clientuid', value: '' });
    expect(parseQuirkSetting('-pretty')).toEqual({ name: 'pretty', value: null });
    expect(parseQuirkSetting('pretty=false')).toEqual({ name: 'pretty', value: null });
    expect(() => parseQuirkSetting('clientuid')).toThrow(/clientuid=/);
    expect(() => parseQuirkSetting('useragent')).toThrow(/useragent=VALUE/);
    expect(() => parseQuirkSetting('Bad Name')).toThrow(/quirk name/);
  });

  it('sets and clears, and formats them for bank list', () => {
    const q = applyQuirkChanges({ pretty: 'true' }, [parseQuirkSetting('useragent=ofxtools'), parseQuirkSetting('clientuid='), parseQuirkSetting('-pretty')]);
    expect(q).toEqual({ clientuid: '', useragent: 'ofxtools' });
    expect(formatQuirks({ pretty: 'true', useragent: 'ofxtools', clientuid: '' })).toBe('clientuid= (no CLIENTUID), pretty, useragent=ofxtools');
    expect(formatQuirks({})).toBe('');
  });
});
