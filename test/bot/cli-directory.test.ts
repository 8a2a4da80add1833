/**
 * Issue "Find your bank", as a new user walks it with the real `ofx-mfa` binary: search the directory, check the
 * server, add a connection from a directory entry and look at the exact request it would send (quirks applied);
 * `bank check` against the real simulated bank over HTTP, and against servers that are down or answer no OFX.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateOfxRequest } from '../../core/ofx/validate.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { cli } from './cli-helpers.ts';

// Each test runs the binary several times (a process start each, ~1 s, far more on a loaded machine).
vi.setConfig({ testTimeout: 180_000 });

let dir: string;
let db: string;
const run = (args: string[], input?: string) => cli(['--db', db, ...args], { input, cwd: dir });
const add = (args: string[]) => run(['bank', 'add', ...args, '--password-stdin', '--no-profile'], 'pw-not-shown\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-directory-cli-'));
  db = join(dir, 'ofx.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ofx-mfa banks', () => {
  it('finds an institution: one line each, nickname, name, version, host', async () => {
    const found = await cli(['banks', 'vanguard']);
    expect(found.code).toBe(0);
    expect(found.stdout).toBe('vanguard  Vanguard Group, The  220  vesnc.vanguard.com\n');
    const json = await cli(['banks', 'usaa', '--json']);
    const rows = JSON.parse(json.stdout) as Array<{ nick: string; quirks: Record<string, string>; requestVersion: string }>;
    expect(rows.map((r) => r.nick)).toEqual(['usaa', 'usaa-invest']);
    expect(rows[0]).toMatchObject({ quirks: { pretty: 'true', unclosedelements: 'true' }, requestVersion: '103' });
    const none = await cli(['banks', 'zzzz', 'qqqq']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/no bank in the directory matches/);
    expect((await cli(['banks'])).stdout.trim().split('\n')).toHaveLength(556);
  });
});

describe('bank add --bank, then request --dry-run', () => {
  it('fills the connection from the directory, quirks included, and the request shows them', async () => {
    const added = await add(['inv', '--bank', 'vanguard', '--user', 'alice']);
    expect(added.code, added.stderr).toBe(0);
    const list = JSON.parse((await run(['bank', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(list.find((c) => c.name === 'inv')).toMatchObject({
      url: 'https://vesnc.vanguard.com/us/OfxProfileServlet',
      org: 'Vanguard',
      fid: '15103',
      version: '220',
      directoryNick: 'vanguard',
      quirks: { pretty: 'true' },
    });
    expect((await run(['bank', 'list'])).stdout).toMatch(/^inv .*OFX 220 .*quirks: pretty$/m);

    const dry = await run(['request', 'accounts', 'inv', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('VERSION="220"');
    expect(dry.stdout).toMatch(/<ORG>Vanguard<\/ORG>\r\n\s*<FID>15103<\/FID>/);
    expect(dry.stdout).toContain('<USERID>alice</USERID>');
    expect(dry.stdout).toContain('<CLIENTUID>');
    expect(dry.stdout.endsWith('</OFX>\r\n')).toBe(true); // pretty: a line break after the last element too
    expect(dry.stdout).not.toContain('pw-not-shown');
    expect(validateOfxRequest(dry.stdout).ok).toBe(true);
  });

  it('leaves CLIENTUID out for a server that refuses one (E*TRADE), even in a version that sends it', async () => {
    expect((await add(['et', '--bank', 'etrade', '--user', 'bob', '--ofx-version', '103'])).code).toBe(0);
    const dry = await run(['request', 'accounts', 'et', '--dry-run']);
    expect(dry.stdout).toContain('VERSION:103');
    expect(dry.stdout).toContain('<ORG>fldProv_mId');
    expect(dry.stdout).not.toContain('CLIENTUID');
    // The same server added by hand, without the directory's quirk, sends it.
    expect((await add(['et2', '--url', 'https://ofx.etrade.com/cgi-ofx/etradeofx', '--org', 'fldProv_mId', '--fid', 'x', '--user', 'bob'])).code).toBe(0);
    expect((await run(['request', 'accounts', 'et2', '--dry-run'])).stdout).toContain('<CLIENTUID>');
  });

  it('lets explicit options and --quirk override the directory', async () => {
    const added = await add(['secu', '--bank', 'ncsecu', '--user', 'carol', '--url', 'https://ofx.other.example/ofx', '--ofx-version', '211', '--quirk', '-useragent', '--quirk', 'unclosedelements']);
    expect(added.code, added.stderr).toBe(0);
    const list = JSON.parse((await run(['bank', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(list.find((c) => c.name === 'secu')).toMatchObject({
      url: 'https://ofx.other.example/ofx',
      org: 'SECU',
      fid: '1001',
      version: '211',
      quirks: { nonewfileuid: 'true', unclosedelements: 'true' },
    });
    const dry = await run(['request', 'profile', 'secu', '--dry-run']);
    expect(dry.stdout).toContain('NEWFILEUID="NONE"');
    expect(dry.stdout).toMatch(/<ORG>SECU\r\n/); // unclosed leaf, in XML
    expect(dry.stderr).not.toMatch(/User-Agent/);
  });

  it('says on stderr which User-Agent the request goes with', async () => {
    expect((await add(['nb', '--bank', 'netbenefits', '--user', 'dan'])).code).toBe(0);
    const dry = await run(['request', 'profile', 'nb', '--dry-run']);
    expect(dry.stderr).toMatch(/User-Agent: ofxtools/);
  });

  it('bank set --quirk sets and clears quirks on a stored connection', async () => {
    expect((await add(['q', '--bank', 'usaa', '--user', 'fay'])).code).toBe(0);
    const set = await run(['bank', 'set', 'q', '--quirk', '-pretty', '--quirk', 'clientuid=', '--quirk', 'useragent=Quicken/2700']);
    expect(set.code, set.stderr).toBe(0);
    const list = await run(['bank', 'list']);
    expect(list.stdout).toMatch(/^q .*quirks: clientuid= \(no CLIENTUID\), unclosedelements, useragent=Quicken\/2700$/m);
    const dry = await run(['request', 'accounts', 'q', '--dry-run']);
    expect(dry.stdout).toContain('VERSION:103');
    expect(dry.stdout).not.toContain('CLIENTUID');
    expect(dry.stderr).toMatch(/User-Agent: Quicken\/2700/);
    const bad = await run(['bank', 'set', 'q', '--quirk', 'useragent']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --quirk useragent: quirk useragent needs a value/);
  });

  it('refuses an unknown nickname, or a missing URL without one, with exit 2', async () => {
    const unknown = await add(['x', '--bank', 'no-such-bank', '--user', 'e']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --bank no-such-bank: no such nickname.*ofx-mfa banks/);
    const bare = await add(['y', '--user', 'e']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--url, --org, --fid needed/);
    const badQuirk = await add(['z', '--bank', 'vanguard', '--user', 'e', '--quirk', 'pretty=sometimes']);
    expect(badQuirk.code).toBe(2);
    expect(badQuirk.stderr).toMatch(/true or false/);
  });
});

describe('bank check', () => {
  let bank: SimBank;
  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version: '211', clientUidRequired: true, mfaChallengeFirst: true });
  });
  afterAll(() => bank.close());
  const admin = (path: string, body: unknown) =>
    fetch(bank.url.replace(/\/ofx$/, '') + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('asks the simulated bank for its profile and says what it will ask', async () => {
    const checked = await cli(['bank', 'check', '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--ofx-version', '103']);
    expect(checked.code, checked.stderr).toBe(0);
    const out = checked.stdout;
    expect(out).toMatch(/127\.0\.0\.1:\d+ answers OFX: profile status 0 \(success\), asked in 103, answered in 211, institution "SimBank"/);
    expect(out).toMatch(/security questions: yes/);
    expect(out).toMatch(/MFACHALLENGEFIRST: yes/);
    expect(out).toMatch(/CLIENTUID approval: required/);
    expect(out).toMatch(/message sets: SIGNON, SIGNUP, BANK, CREDITCARD, INVSTMT, SECLIST, PROF/);
    expect(out).toMatch(/versions it answers \(of 102, 103, 200, 203, 211, 220\): 102, 103, 200, 203, 211, 220/);
  });

  it('checks a stored connection by its name, with its quirks, and prints JSON', async () => {
    expect((await add(['sim', '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--user', 'demo', '--quirk', 'nonewfileuid'])).code).toBe(0);
    const checked = await run(['bank', 'check', 'sim', '--json', '--no-versions']);
    expect(checked.code, checked.stderr).toBe(0);
    const report = JSON.parse(checked.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      target: 'sim (your connection)',
      version: '103',
      versions: null,
      quirks: { nonewfileuid: 'true' },
      signon: { mfaChallengeSupported: true, mfaChallengeFirst: true, clientUidRequired: true, userCred1Label: null },
    });
  });

  it('exits 1 with one line for a server that answers HTML, or refuses', async () => {
    await admin('/admin/faults', { fault: 'garbage', count: 1 });
    const garbage = await cli(['bank', 'check', '--url', bank.url, '--org', 'SIMBANK', '--no-versions']);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/^error: 127\.0\.0\.1:\d+ answers, but not with OFX: .*\n$/);
    await admin('/admin/faults', { fault: 'http-500', count: 1 });
    const refused = await cli(['bank', 'check', '--url', bank.url, '--org', 'SIMBANK', '--no-versions']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: 127\.0\.0\.1:\d+ refuses the profile request: .*HTTP 500.*\n$/);
  });

  it('exits 1 with one line for a server that is down', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = await cli(['bank', 'check', '--url', `http://127.0.0.1:${port}/ofx`, '--org', 'GONE']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`error: 127.0.0.1:${port} does not answer (the server may be gone): could not talk to 127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`);
  });

  it('says which bank a name could mean, with exit 2', async () => {
    const vague = await cli(['bank', 'check', 'fargo']);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toMatch(/^error: "fargo" matches more than one bank in the directory: wells \(Wells Fargo\)/);
    expect((await cli(['bank', 'check'])).code).toBe(2);
  });
});
