/**
 * Issue 7 "A command line that fits a person's habits", as a person runs it: the real `ofx-mfa` binary (a child
 * process, no terminal), real SQLite files, and the simulated bank over HTTP where the bank matters.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOfxRequest } from '../../core/ofx/validate.ts';
import { ensureLocalMember, getConnection, getHold, openDatabase, SecretBox, setHold, toConnectionConfig } from '../../db/index.ts';
import { localMemberName } from '../../bot/cli/session.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { cli } from './cli-helpers.ts';

let bank: SimBank;
let dir: string;
let db: string;
let answers: string;

// No environment of the test runner leaks into the children's choice of database.
const CLEAN_ENV = { OFX_MFA_DB: '', OFX_MFA_KEY: '', OFX_MFA_PASSWORD: '', OFX_MFA_USERCRED1: '' };
const run = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}) => cli(['--db', db, ...args], { input, cwd: dir, env: { ...CLEAN_ENV, ...env } });
const addArgs = (name: string, user = 'demo') => ['bank', 'add', name, '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--user', user];

/** Reads the stored connection the way the binary would, to check what was stored. */
function stored(name: string) {
  const handle = openDatabase(db);
  try {
    const member = ensureLocalMember(handle, localMemberName());
    const row = getConnection(handle, member.id, name);
    return row ? { row, config: toConnectionConfig(SecretBox.load(db, {}), row), hold: getHold(handle, row.id) } : null;
  } finally {
    handle.close();
  }
}

function hold(name: string, reason: 'answers-rejected' | 'credentials-refused', code: number) {
  const handle = openDatabase(db);
  try {
    const member = ensureLocalMember(handle, localMemberName());
    setHold(handle, getConnection(handle, member.id, name)!.id, reason, code, new Date('2026-11-30T08:00:00Z'));
  } finally {
    handle.close();
  }
}

beforeAll(async () => {
  bank = await startSimBank({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-cli-bank-'));
  db = join(dir, 'ofx.sqlite');
  answers = join(dir, 'answers.json');
  writeFileSync(answers, JSON.stringify({ MFA16: 'Smith', SIMQ1: 'Rex' }), { mode: 0o600 });
});
afterAll(async () => {
  await bank.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets come from where a flag says', () => {
  it('never reads $OFX_MFA_PASSWORD or $OFX_MFA_USERCRED1 unless a flag names a variable', async () => {
    const silent = await run(addArgs('silent'), '', { OFX_MFA_PASSWORD: 'demo-password', OFX_MFA_USERCRED1: '4321' });
    expect(silent.code).toBe(2);
    expect(silent.stderr.trim().split('\n')).toEqual(['error: password: no terminal to ask on; use --password-stdin or --password-env VAR']);
    expect(stored('silent')).toBeNull();

    const named = await run([...addArgs('named'), '--password-env', 'MY_BANK_PW', '--user-cred1-env', 'MY_PIN', '--no-profile'], '', {
      MY_BANK_PW: 'demo-password',
      MY_PIN: '4321',
      OFX_MFA_USERCRED1: 'not-this-one',
    });
    expect(named.code).toBe(0);
    expect(stored('named')?.config).toMatchObject({ password: 'demo-password', userCred1: '4321' });

    const unset = await run([...addArgs('unset'), '--password-env', 'NOT_SET_ANYWHERE']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/--password-env NOT_SET_ANYWHERE: that environment variable is not set/);
  });

  it('reads several secrets from stdin, one line each, in a fixed order', async () => {
    const result = await run([...addArgs('lines'), '--password-stdin', '--auth-token-stdin', '--user-cred2-stdin', '--no-profile'], 'pw-line\nsecond\nthird\n');
    expect(result.code).toBe(0);
    expect(stored('lines')?.config).toMatchObject({ password: 'pw-line', userCred2: 'second', authToken: 'third' });
    const short = await run([...addArgs('short'), '--password-stdin', '--user-cred1-stdin', '--no-profile'], 'only-one\n');
    expect(short.code).toBe(2);
    expect(stored('short')).toBeNull();
  });
});

describe('bank set', () => {
  it('fixes a wrong password in place, lifting the credentials hold, and the next sync signs on', async () => {
    expect((await run([...addArgs('fixme'), '--password-stdin'], 'wrong-password\n')).code).toBe(0);
    const clientUid = stored('fixme')!.row.clientUid;
    const refused = await run(['sync', 'fixme', '--answers', answers]);
    expect(refused.code).toBe(5);
    hold('fixme', 'credentials-refused', 15500);

    const set = await run(['bank', 'set', 'fixme', '--password-stdin'], 'demo-password\n');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^changed fixme: password\n  lifted the hold \(held since 2026-11-30T08:00:00.000Z: the bank refused the sign-on credentials \(15500\)\); unattended syncs may sign on again\n$/);
    expect(set.stdout + set.stderr).not.toContain('demo-password');
    const after = stored('fixme')!;
    expect(after.hold).toBeNull();
    expect(after.row.clientUid).toBe(clientUid);

    const synced = await run(['sync', 'fixme', '--answers', answers]);
    expect(synced.code).toBe(0);
  });

  it('changes the URL and answer aggregate, and refuses bad values and nothing-to-do with one line', async () => {
    expect((await run([...addArgs('moving'), '--password-stdin', '--no-profile'], 'demo-password\n')).code).toBe(0);
    const moved = await run(['bank', 'set', 'moving', '--url', bank.url.replace('127.0.0.1', 'localhost'), '--answer-aggregate', 'MFACHALLENGEANSWER']);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/^changed moving: URL, answer aggregate\n/);
    expect(stored('moving')?.row).toMatchObject({ answerAggregate: 'MFACHALLENGEANSWER', url: expect.stringContaining('localhost') });

    for (const [args, message] of [
      [['bank', 'set', 'moving'], /^error: nothing to change/],
      [['bank', 'set', 'moving', '--url', 'http://bank.example/ofx'], /^error: URL: .*https/],
      [['bank', 'set', 'moving', '--url', 'https://me:secret@bank.example/ofx'], /^error: URL: carries a user name or password/],
      [['bank', 'set', 'moving', '--ofx-version', '104'], /^error: OFX version: expected one of/],
      [['bank', 'set', 'nosuch', '--password'], /^error: no bank connection named "nosuch"/],
      [['bank', 'set', 'moving', '--password'], /^error: password: no terminal to ask on/],
    ] as const) {
      const result = await run([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toContain('secret');
    }
    expect(stored('moving')?.config.password).toBe('demo-password');
  });

  it('removes an extra credential with --no-user-cred1', async () => {
    expect((await run([...addArgs('pin'), '--password-stdin', '--user-cred1-stdin', '--no-profile'], 'demo-password\n4321\n')).code).toBe(0);
    expect((await run(['bank', 'set', 'pin', '--no-user-cred1'])).stdout).toBe('changed pin: USERCRED1\n');
    expect(stored('pin')?.config.userCred1).toBeNull();
  });
});

describe('holds in bank list and bank clear-hold', () => {
  it('shows when and why and how to go on, in one line, and clears it once', async () => {
    expect((await run([...addArgs('held'), '--password-stdin', '--no-profile'], 'demo-password\n')).code).toBe(0);
    hold('held', 'answers-rejected', 3001);
    const listed = await run(['bank', 'list']);
    const lines = listed.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('held  '));
    expect(lines[at + 1]).toBe(
      '  held since 2026-11-30T08:00:00.000Z: the bank rejected the security answers (3001); unattended syncs do not send answers again; to go on: run ofx-mfa sync held on a terminal to answer, or ofx-mfa bank clear-hold held',
    );
    const json = JSON.parse((await run(['bank', 'list', '--json'])).stdout) as { name: string; hold: unknown }[];
    expect(json.find((b) => b.name === 'held')?.hold).toMatchObject({ reason: 'answers-rejected', code: 3001, since: '2026-11-30T08:00:00.000Z' });
    expect(json.find((b) => b.name === 'moving')?.hold ?? null).toBeNull();

    const cleared = await run(['bank', 'clear-hold', 'held']);
    expect(cleared).toMatchObject({ code: 0, stdout: 'cleared the hold on held (held since 2026-11-30T08:00:00.000Z: the bank rejected the security answers (3001)); unattended syncs may sign on again\n' });
    expect(stored('held')?.hold).toBeNull();
    expect((await run(['bank', 'clear-hold', 'held'])).stdout).toBe('held had no hold\n');
    expect((await run(['bank', 'clear-hold', 'nosuch'])).code).toBe(2);
  });
});

describe('request', () => {
  it('prints the request without --dry-run, and never sends it', async () => {
    expect((await run([...addArgs('req'), '--password-stdin', '--no-profile'], 'demo-password\n')).code).toBe(0);
    const before = (await (await fetch(bank.url.replace(/\/ofx$/, '/admin/log'))).json()) as unknown[];
    const result = await run(['request', 'accounts', 'req']);
    expect(result.code).toBe(0);
    expect(validateOfxRequest(result.stdout)).toMatchObject({ ok: true });
    expect(result.stdout).not.toContain('demo-password');
    expect((await run(['request', 'accounts', 'req', '--dry-run'])).stdout.replace(/\d{14}(\.\d{3})?(\[[^\]]*\])?|[0-9a-f-]{36}/g, '')).toBe(
      result.stdout.replace(/\d{14}(\.\d{3})?(\[[^\]]*\])?|[0-9a-f-]{36}/g, ''),
    );
    const after = (await (await fetch(bank.url.replace(/\/ofx$/, '/admin/log'))).json()) as unknown[];
    expect(Array.isArray(after) && before.length > 0).toBe(true);
    expect(after.length).toBe(before.length);
  });
});

describe('the default database', () => {
  it('lives in the data directory, whatever the working folder; OFX_MFA_DB and --db win', async () => {
    const home = join(dir, 'home');
    const xdg = join(dir, 'xdg');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const add = (name: string, cwd: string, env: NodeJS.ProcessEnv, extra: string[] = []) =>
      cli([...extra, ...addArgs(name), '--password-stdin', '--no-profile'], { input: 'demo-password\n', cwd, env: { ...CLEAN_ENV, HOME: home, ...env } });
    const names = async (cwd: string, env: NodeJS.ProcessEnv, extra: string[] = []) =>
      (JSON.parse((await cli([...extra, 'bank', 'list', '--json'], { cwd, env: { ...CLEAN_ENV, HOME: home, ...env } })).stdout) as { name: string }[]).map((b) => b.name);

    expect((await add('xdg', dir, { XDG_DATA_HOME: xdg })).code).toBe(0);
    expect(existsSync(join(xdg, 'ofx-mfa', 'ofx-mfa.sqlite'))).toBe(true);
    expect(await names(elsewhere, { XDG_DATA_HOME: xdg })).toEqual(['xdg']);

    // No XDG_DATA_HOME (or a relative one, which the spec says to ignore): ~/.local/share/ofx-mfa.
    expect((await add('home', dir, { XDG_DATA_HOME: 'relative/dir' })).code).toBe(0);
    expect(existsSync(join(home, '.local', 'share', 'ofx-mfa', 'ofx-mfa.sqlite'))).toBe(true);
    expect(await names(elsewhere, { XDG_DATA_HOME: '' })).toEqual(['home']);

    const envDb = join(dir, 'env.sqlite');
    expect((await add('env', dir, { XDG_DATA_HOME: xdg, OFX_MFA_DB: envDb })).code).toBe(0);
    expect(await names(elsewhere, { XDG_DATA_HOME: xdg, OFX_MFA_DB: envDb })).toEqual(['env']);
    expect(await names(elsewhere, { XDG_DATA_HOME: xdg, OFX_MFA_DB: envDb }, ['--db', db])).toContain('req');

    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/--db <path>.*\$OFX_MFA_DB.*XDG_DATA_HOME/s);
  });
});
