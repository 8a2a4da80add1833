/**
 * Issue "The MFA sync", walked end to end as a user runs it: the real `ofx-mfa` binary (a child process, no
 * terminal) against the real simulated bank over HTTP, with a real SQLite file, in both OFX families.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateOfxRequest } from '../../core/ofx/validate.ts';
import { clearHold, DbKeyStore, getConnection, ensureLocalMember, listAccounts, listSyncRuns, liveKeyInfo, openDatabase, SecretBox } from '../../db/index.ts';
import { localMemberName } from '../../bot/cli/session.ts';
import { startSimBank, type SimBank, type SimBankVersion } from '../../sim/bank/index.ts';
import { cli, startCli } from './cli-helpers.ts';

// Every CLI call is a fresh Node process: seconds each on a loaded machine, and a walk makes a dozen of them.
// A generous deadline, not a speed goal (those live in `npm run bench`).
vi.setConfig({ testTimeout: 240_000 });

const RIGHT = { MFA16: 'Smith', SIMQ1: 'Rex' };
const WRONG = { MFA16: 'Jones', SIMQ1: 'Fido' };

describe.each<SimBankVersion>(['103', '211'])('ofx-mfa sync against the simulated bank, OFX %s', (version) => {
  let bank: SimBank;
  let dir: string;
  let db: string;
  let right: string;
  let wrong: string;

  const run = (args: string[], input?: string) => cli(['--db', db, ...args], { input, cwd: dir });
  const admin = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(bank.url.replace(/\/ofx$/, '') + path, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return (await response.json()) as T;
  };
  const add = (name: string, user: string, password = `${user}-password`, extra: string[] = []) =>
    run(['bank', 'add', name, '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--user', user, '--ofx-version', version, '--password-stdin', ...extra], `${password}\n`);
  const storedTransactions = async (name: string) => JSON.parse((await run(['transactions', name, '--format', 'json'])).stdout) as unknown[];

  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version });
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-cli-'));
    db = join(dir, 'ofx.sqlite');
    right = join(dir, 'right.json');
    wrong = join(dir, 'wrong.json');
    // Private, as an answers file must be (others' read access is refused).
    writeFileSync(right, JSON.stringify(RIGHT), { mode: 0o600 });
    writeFileSync(wrong, JSON.stringify(WRONG), { mode: 0o600 });
  });
  afterAll(async () => {
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks challenge, stored key, revocation and re-challenge without duplicating transactions', async () => {
    const added = await add('home', 'demo');
    expect(added.code).toBe(0);
    // The profile is read at once (anonymously), so the person learns what the bank will ask.
    expect(added.stdout).toMatch(/uses security challenges/);

    // No terminal and no answers file: exit 3, saying how to answer; nothing reaches the bank's lockout counter.
    const unattended = await run(['sync', 'home']);
    expect(unattended.code).toBe(3);
    expect(unattended.stderr).toMatch(/--answers/);
    expect(unattended.stderr).toMatch(/SIMQ1/);
    expect(unattended.stderr.trim().split('\n')).toHaveLength(1);
    expect((await admin<{ wrongAnswerSets: number }>('/admin/users/demo')).wrongAnswerSets).toBe(0);

    const first = await run(['sync', 'home', '--answers', right, '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ connection: 'home', challenged: true, accessKeyStored: true, status: { code: 0 } });
    expect(report.accounts.length).toBeGreaterThanOrEqual(3);
    const downloaded = report.accounts.reduce((n: number, a: { newTransactions: number }) => n + a.newTransactions, 0);
    expect(downloaded).toBeGreaterThan(0);
    expect(await storedTransactions('home')).toHaveLength(downloaded);

    // The key and the password are in the database only encrypted.
    const handle = openDatabase(db);
    const box = SecretBox.load(db);
    const member = ensureLocalMember(handle, localMemberName());
    const row = getConnection(handle, member.id, 'home')!;
    const key = await new DbKeyStore(handle, box).get(String(row.id));
    handle.close();
    expect(key).toBeTruthy();
    for (const file of [db, `${db}-wal`].filter(existsSync)) {
      const raw = readFileSync(file).toString('latin1');
      expect(raw).not.toContain('demo-password');
      expect(raw).not.toContain(key!);
      expect(raw).not.toContain('Rex');
    }
    expect(statSync(`${db}.key`).mode & 0o077).toBe(0);

    // Second sync: no questions, no answers file needed, nothing new.
    const second = await run(['sync', 'home', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ challenged: false, accessKeyStored: false });
    expect(await storedTransactions('home')).toHaveLength(downloaded);

    // The bank revokes the key: the next sync is challenged again (and needs answers again).
    await admin('/admin/revoke-keys', { user: 'demo' });
    expect((await run(['sync', 'home'])).code).toBe(3);
    const again = await run(['sync', 'home', '--answers', right, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ challenged: true, accessKeyStored: true });
    expect(await storedTransactions('home')).toHaveLength(downloaded);

    // For people: a short summary naming the accounts and the key's age.
    const human = await run(['sync', 'home']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/synced, 0 new transactions; no challenge \(access key from /);
    expect(human.stdout).toMatch(/CHECKING\s+1000123456/);
  });

  it('exits 4 on wrong answers and then holds the connection: the answers file is never resent; a lockout holds too', async () => {
    expect((await add('wrong', 'many')).code).toBe(0);
    const many = join(dir, 'many-wrong.json');
    writeFileSync(many, JSON.stringify({ MFA1: 'x', MFA5: 'x', MFA16: 'x', MFA20: 'x', MFA23: 'x', SIMQ1: 'x', SIMQ2: 'x' }), { mode: 0o600 });
    const rejected = await run(['sync', 'wrong', '--answers', many]);
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toMatch(/3001/);
    expect(rejected.stderr).not.toMatch(/\bx\b.*\bx\b/);
    expect((await admin<{ wrongAnswerSets: number }>('/admin/users/many')).wrongAnswerSets).toBe(1);

    // The cron job runs again, twice: held, exit 4, one line saying since when and how to go on; the bank hears nothing.
    for (let i = 0; i < 2; i++) {
      const held = await run(['sync', 'wrong', '--answers', many]);
      expect(held.code).toBe(4);
      const lines = held.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: wrong: held since 20\d\d-\d\d-\d\dT.*rejected the answers \(3001\).*ofx-mfa sync wrong.*on a terminal.*ofx-mfa bank clear-hold wrong/);
    }
    expect((await admin<{ wrongAnswerSets: number }>('/admin/users/many')).wrongAnswerSets).toBe(1);

    // Someone clears the hold each time and tries again until the bank locks the user out (15502): held again, exit 5.
    const clear = () => {
      const h = openDatabase(db);
      clearHold(h, getConnection(h, ensureLocalMember(h, localMemberName()).id, 'wrong')!.id);
      h.close();
    };
    for (let i = 0; i < 2; i++) {
      clear();
      expect((await run(['sync', 'wrong', '--answers', many])).code).toBe(4);
    }
    clear();
    const locked = await run(['sync', 'wrong', '--answers', many]);
    expect(locked.code).toBe(5);
    expect(locked.stderr).toMatch(/15502/);
    expect(locked.stderr).toMatch(/call the bank/i);
    const heldLocked = await run(['sync', 'wrong', '--answers', many]);
    expect(heldLocked.code).toBe(5);
    expect(heldLocked.stderr).toMatch(/held since .*refused the sign-on \(15502\)/);
    expect((await admin<Array<{ user: string }>>('/admin/log')).filter((e) => e.user === 'many').length).toBeGreaterThan(0);
    await admin('/admin/reset', { user: 'many' });
  });

  it('refuses an answers file other users can read, before anything reaches the bank', async () => {
    expect((await add('loose', 'demo')).code).toBe(0);
    const loose = join(dir, 'loose.json');
    writeFileSync(loose, JSON.stringify(RIGHT), { mode: 0o600 });
    chmodSync(loose, 0o644);
    const before = (await admin<unknown[]>('/admin/log')).length;
    const result = await run(['sync', 'loose', '--answers', loose]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/open to other users.*chmod 600/);
    expect(result.stderr).not.toContain('Smith');
    expect((await admin<unknown[]>('/admin/log')).length).toBe(before);
  });

  it('syncs a bank that asks more than five questions', async () => {
    expect((await add('many', 'many')).code).toBe(0);
    const file = join(dir, 'many.json');
    writeFileSync(file, JSON.stringify({ MFA1: 'Springfield', MFA5: 'Blue', MFA16: 'Smith', MFA20: 'Elm Street', MFA23: '1980', SIMQ1: 'Rex', SIMQ2: 'Café au lait' }), { mode: 0o600 });
    const result = await run(['sync', 'many', '--answers', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).challenged).toBe(true);
  });

  it('exits 5 on a wrong password without printing it', async () => {
    expect((await add('badpw', 'demo', 'hunter2-wrong')).code).toBe(0);
    const result = await run(['sync', 'badpw', '--answers', right]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/15500/);
    expect(result.stderr + result.stdout).not.toContain('hunter2-wrong');
  });

  it.each([
    ['fault-hang', /time/i],
    ['fault-garbage', /not OFX|not an OFX/i],
    ['fault-500', /500/],
    ['fault-reset', /reset|network|closed/i],
  ])('gives a clear one-line error and writes nothing when the bank misbehaves (%s)', async (user, message) => {
    expect((await add(user, user)).code).toBe(0);
    const result = await run(['sync', user, '--answers', right, '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(`${user}-password`);
    expect(await storedTransactions(user)).toHaveLength(0);
  });

  it('refuses a second sync of the same connection while one runs, and a kill mid-download leaves nothing half-written', async () => {
    expect((await add('slow', 'slow')).code).toBe(0);
    const first = startCli(['--db', db, 'sync', 'slow', '--answers', right], { cwd: dir });
    const look = () => {
      const h = openDatabase(db);
      try {
        const row = getConnection(h, ensureLocalMember(h, localMemberName()).id, 'slow')!;
        return { runs: listSyncRuns(h, row.id), key: liveKeyInfo(h, row.id), accounts: listAccounts(h, row.id) };
      } finally {
        h.close();
      }
    };
    // Wait until the first one holds the lock (its run row exists), then try a second. Starting a CLI process
    // takes seconds on a loaded machine, so the wait is long; it must end with the lock seen.
    let running = false;
    for (const deadline = Date.now() + 60_000; !running && Date.now() < deadline; ) {
      running = look().runs.some((r) => r.state === 'running');
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBe(true);
    const second = await run(['sync', 'slow', '--answers', right]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already running/);
    // The refused attempt left no row of its own.
    expect(look().runs).toHaveLength(1);

    // Kill the first in the middle of its last round: the answers were accepted and the key stored, the accounts
    // are known in memory, and the statements are on their way (the slow bank takes 2 s to answer each request).
    let keyed = false;
    for (const deadline = Date.now() + 60_000; !keyed && Date.now() < deadline; ) {
      keyed = look().key !== null;
      if (!keyed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(keyed).toBe(true);
    first.child.kill('SIGKILL');
    await first.done;
    const after = look();
    // What the bank handed out is kept (the key: no second challenge), what was half done is not.
    expect(after.key).not.toBeNull();
    expect(after.accounts).toHaveLength(0);
    expect(await storedTransactions('slow')).toHaveLength(0);
    expect((await admin<Array<{ user: string; requests: string[] }>>('/admin/log')).some((e) => e.user === 'slow' && e.requests.some((r) => r.startsWith('statement')))).toBe(false);

    // The next sync takes over the stale lock, signs on with the kept key (no answers needed) and gets everything.
    const resumed = await run(['sync', 'slow', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ challenged: false });
    expect((await storedTransactions('slow')).length).toBeGreaterThan(0);
    expect(look().runs.map((r) => r.state)).toEqual(['ok', 'crashed']);
  });

  it.each(['profile', 'accounts', 'statement', 'challenge'])('prints a valid, masked %s request with --dry-run', async (kind) => {
    const name = `dry-${kind}`;
    expect((await add(name, 'demo', 'demo-password', ['--account', 'CHECKING:1000123456:123456789', '--account', 'CREDITCARD:4000001234567899'])).code).toBe(0);
    const result = await run(['request', kind, name, '--dry-run']);
    expect(result.code).toBe(0);
    const validation = validateOfxRequest(result.stdout);
    expect(validation).toEqual({ ok: true, version, format: version === '103' ? 'sgml' : 'xml' });
    expect(result.stdout).not.toContain('demo-password');
  });
});

describe('ofx-mfa bank', () => {
  it('rejects bad arguments with exit 2 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-cli-'));
    try {
      const db = join(dir, 'x.sqlite');
      const plainHttp = await cli(['--db', db, 'bank', 'add', 'x', '--url', 'http://bank.example/ofx', '--org', 'O', '--fid', '1', '--user', 'u', '--password-stdin'], { input: 'p\n' });
      expect(plainHttp.code).toBe(2);
      expect(plainHttp.stderr).toMatch(/https/);
      const badAccount = await cli(['--db', db, 'bank', 'add', 'x', '--url', 'https://bank.example/ofx', '--org', 'O', '--fid', '1', '--user', 'u', '--account', 'CHEQUING:1', '--password-stdin'], { input: 'p\n' });
      expect(badAccount.code).toBe(2);
      const noPassword = await cli(['--db', db, 'bank', 'add', 'x', '--url', 'https://bank.example/ofx', '--org', 'O', '--fid', '1', '--user', 'u'], { env: { OFX_MFA_PASSWORD: '' } });
      expect(noPassword.code).toBe(2);
      expect((await cli(['--db', db, 'bank', 'list', '--json'])).stdout.trim()).toBe('[]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
