/**
 * The bank directory build: fi.cfg (ofxtools' real file, beside the project) → core/directory/banks.json, by the
 * real script; and the malformed entries it reports instead of shipping.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { entriesFromFiCfg } from '../../../core/directory/fi-cfg.ts';
import type { DirectoryFile } from '../../../core/directory/types.ts';
import { locateFiCfg } from '../../../scripts/fi-cfg-source.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const FI_CFG = locateFiCfg(ROOT);
const COMMITTED = join(ROOT, 'core/directory/banks.json');

describe.skipIf(FI_CFG === null)('npm run directory:build over the real fi.cfg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-directory-'));
  const out = join(dir, 'banks.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = readFileSync(FI_CFG as string, 'utf8');
  // Sections with a url line, counted straight from the text rather than through the code under test.
  const withUrl = text.split(/\n(?=\[)/).filter((s) => /^\[(?!NAMES\])/.test(s) && /^url\s*=\s*\S/m.test(s)).length;

  it('writes every server that has a URL, and the committed file is what it writes', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-directory.ts'), FI_CFG as string, '--out', out], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wrote .*: 556 servers/);
    const built = readFileSync(out, 'utf8');
    const file = JSON.parse(built) as DirectoryFile;
    expect(withUrl).toBe(556);
    expect(file.count).toBe(withUrl);
    expect(file.banks).toHaveLength(withUrl);
    expect(file.source).toMatchObject({ repository: 'csingley/ofxtools', path: 'ofxtools/config/fi.cfg', commit: '1fd2fb10cf9489aff82dbc6c0c8d4ef1bad4e2b4' });
    // A stale committed directory is a failure: regenerate with npm run directory:build.
    expect(readFileSync(COMMITTED, 'utf8')).toBe(built);
  });

  it('has only https URLs, unique nicknames, and a display name from [NAMES] for each', () => {
    const { entries, problems } = entriesFromFiCfg(text);
    expect(problems).toEqual([]);
    for (const e of entries) expect(new URL(e.url).protocol).toBe('https:');
    const nicks = entries.map((e) => e.nick.toLowerCase());
    expect(new Set(nicks).size).toBe(nicks.length);
    expect(entries.every((e) => e.name.trim() !== '')).toBe(true);
    const byNick = new Map(entries.map((e) => [e.nick, e]));
    expect(byNick.get('vanguard')).toMatchObject({ name: 'Vanguard Group, The', version: '220', org: 'Vanguard', fid: '15103', brokerId: 'vanguard.com' });
    expect(byNick.get('schwab')).toMatchObject({ name: 'Charles Schwab&Co., INC', brokerId: 'SCHWAB.COM' });
    // Entries without a URL are left out.
    expect(byNick.has('ing')).toBe(false);
    expect(byNick.has('chase-tx')).toBe(false);
  });

  it('parses the quirks as fi.cfg writes them', () => {
    const byNick = new Map(entriesFromFiCfg(text).entries.map((e) => [e.nick, e]));
    expect(byNick.get('usaa')?.quirks).toEqual({ pretty: 'true', unclosedelements: 'true' });
    expect(byNick.get('etrade')?.quirks).toEqual({ clientuid: '' });
    expect(byNick.get('ncsecu')?.quirks).toEqual({ nonewfileuid: 'true', useragent: 'ofxtools' });
    expect(byNick.get('ncsecu')?.version).toBeNull();
    expect(byNick.get('netbenefits')?.quirks).toEqual({ useragent: 'ofxtools' });
    // unclosedelements = false is the default, so it is not a quirk; APPID/APPVER are connection fields.
    expect(byNick.get('citi')).toMatchObject({ quirks: { chgpinfirst: 'true', pretty: 'true' }, appId: 'QWIN', appVer: '2500' });
    expect(byNick.get('fidelity')?.quirks).toEqual({});
    const withQuirks = [...byNick.values()].filter((e) => Object.keys(e.quirks).length > 0).map((e) => e.nick);
    expect(withQuirks.sort()).toEqual(
      ['becu', 'citi', 'etrade', 'msufcu', 'ncsecu', 'netbenefits', 'northwest', 'onpoint', 'troweprice', 'usaa', 'usaa-invest', 'valic', 'vanguard'].sort(),
    );
  });
});

describe('malformed entries', () => {
  const cfg = [
    '[NAMES]',
    '1 = Good Bank',
    '2 = Plain HTTP Bank',
    '3 = Odd Version CU',
    '5 = Flag Bank',
    '6 = Comment Bank',
    '11 = Semi;colon Bank',
    '7 = Twice Bank',
    '8 = Continued Bank',
    '9 = Quoted Bank',
    '10 = Fixed Uid Bank',
    '',
    '[good]',
    'ofxhome = 1',
    'url = https://ofx.good.example/ofx',
    'version = 160',
    'org = GOOD',
    'fid = 11',
    'pretty = yes',
    '',
    '[plain]',
    'ofxhome = 2',
    'url = http://ofx.plain.example/ofx',
    '',
    '[odd]',
    'ofxhome = 3',
    'url = https://ofx.odd.example/ofx',
    'version = 999',
    '',
    '[noname]',
    'ofxhome = 4',
    'url = https://ofx.noname.example/ofx',
    '',
    '[flag]',
    'ofxhome = 5',
    'url = https://ofx.flag.example/ofx',
    'pretty = sometimes',
    '',
    '[comment]',
    'ofxhome = 6',
    'url = https://ofx.comment.example/ofx ; the old one',
    '',
    '[twice]',
    'ofxhome = 7',
    'url = https://ofx.twice.example/ofx',
    '[twice]',
    'org = TWICE',
    '',
    '[continued]',
    'ofxhome = 8',
    'url = https://ofx.continued.example/',
    '  ofx',
    '',
    '[quoted]',
    'ofxhome = 9',
    'url = "https://ofx.quoted.example/ofx"',
    '',
    '[fixeduid]',
    'ofxhome = 10',
    'url = https://ofx.fixeduid.example/ofx',
    'clientuid = 1234',
    '',
    '[semi]',
    'ofxhome = 11',
    'url = https://ofx.semi.example/ofx',
    '',
    '[gone]',
    'ofxhome = 1',
    '',
  ].join('\n');

  it('reports each one with its section and ships only the good entry', () => {
    const { entries, problems, withoutUrl } = entriesFromFiCfg(cfg);
    expect(entries.map((e) => e.nick)).toEqual(['good']);
    expect(entries[0]).toMatchObject({ name: 'Good Bank', version: '160', quirks: { pretty: 'true' } });
    expect(withoutUrl).toBe(1);
    const why = Object.fromEntries(problems.map((p) => [p.nick, p.message]));
    expect(Object.keys(why).sort()).toEqual(['comment', 'continued', 'fixeduid', 'flag', 'noname', 'odd', 'plain', 'quoted', 'semi', 'twice']);
    expect(why.plain).toMatch(/not https/);
    expect(why.odd).toMatch(/not an OFX version/);
    expect(why.noname).toMatch(/no display name/);
    expect(why.flag).toMatch(/true or false/);
    expect(why.comment).toMatch(/comment marker/);
    expect(why.twice).toMatch(/appears twice/);
    expect(why.continued).toMatch(/continuation/);
    expect(why.quoted).toMatch(/quoted/);
    expect(why.fixeduid).toMatch(/empty value/);
    expect(why.semi).toMatch(/display name cannot be read.*comment marker/);
    expect(problems.find((p) => p.nick === 'plain')?.line).toBe(21);
  });

  it('refuses a file without [NAMES]', () => {
    expect(entriesFromFiCfg('[a]\nurl = https://x.example/\n').problems).toEqual([{ nick: null, line: null, message: 'no [NAMES] section' }]);
  });
});
