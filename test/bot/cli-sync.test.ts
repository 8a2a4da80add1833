/**
 * Issue "The MFA sync", walked end to end as a user runs it: the real `ofx-mfa` binary (a child process, no
 * terminal) against the real simulated bank over HTTP, with a real SQLite file, in both OFX families.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOfxRequest } from '../../core/ofx/validate.ts';
import { DbKeyStore, getConnection, ensureLocalMember, listSyncRuns, openDatabase, SecretBox } from '../../db/index.ts';
import { localMemberName } from '../../bot/cli/session.ts';
import { startSimBank, type SimBank, type SimBankVersion } from '../../sim/bank/index.ts';
import { cli, startCli } from './cli-helpers.ts';

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
    writeFileSync(right, JSON.stringify(RIGHT));
    writeFileSync(wrong, JSON.stringify(WRONG));
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

  it('exits 4 on wrong answers, advancing the bank lockout counter by exactly one, then 5 once locked out', async () => {
    expect((await add('wrong', 'many')).code).toBe(0);
    const many = join(dir, 'many-wrong.json');
    writeFileSync(many, JSON.stringify({ MFA1: 'x', MFA5: 'x', MFA16: 'x', MFA20: 'x', MFA23: 'x', SIMQ1: 'x', SIMQ2: 'x' }));
    const rejected = await run(['sync', 'wrong', '--answers', many]);
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toMatch(/3001/);
    expect(rejected.stderr).not.toMatch(/\bx\b.*\bx\b/);
    expect((await admin<{ wrongAnswerSets: number }>('/admin/users/many')).wrongAnswerSets).toBe(1);

    expect((await run(['sync', 'wrong', '--answers', many])).code).toBe(4);
    expect((await run(['sync', 'wrong', '--answers', many])).code).toBe(4);
    const locked = await run(['sync', 'wrong', '--answers', many]);
    expect(locked.code).toBe(5);
    expect(locked.stderr).toMatch(/15502/);
    expect(locked.stderr).toMatch(/call the bank/i);
    await admin('/admin/reset', { user: 'many' });
  });

  it('syncs a bank that asks more than five questions', async () => {
    expect((await add('many', 'many')).code).toBe(0);
    const file = join(dir, 'many.json');
    writeFileSync(file, JSON.stringify({ MFA1: 'Springfield', MFA5: 'Blue', MFA16: 'Smith', MFA20: 'Elm Street', MFA23: '1980', SIMQ1: 'Rex', SIMQ2: 'Café au lait' }));
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

  it('refuses a second sync of the same connection while one runs, and recovers from a crash mid-sync', async () => {
    expect((await add('slow', 'slow')).code).toBe(0);
    const first = startCli(['--db', db, 'sync', 'slow', '--answers', right], { cwd: dir });
    // Wait until the first one holds the lock (its run row exists), then try a second. Starting a CLI process
    // takes seconds on a loaded machine, so the wait is long; it must end with the lock seen.
    let running = false;
    for (const deadline = Date.now() + 30_000; !running && Date.now() < deadline; ) {
      const h = openDatabase(db);
      const member = ensureLocalMember(h, localMemberName());
      running = listSyncRuns(h, getConnection(h, member.id, 'slow')!.id).some((r) => r.state === 'running');
      h.close();
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBe(true);
    const second = await run(['sync', 'slow', '--answers', right]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already running/);

    // Kill the first mid-sync: nothing half-written, and the next sync takes over the stale lock.
    first.child.kill('SIGKILL');
    await first.done;
    expect(await storedTransactions('slow')).toHaveLength(0);
    const after = await run(['sync', 'slow', '--answers', right, '--json']);
    expect(after.code).toBe(0);
    expect((await storedTransactions('slow')).length).toBeGreaterThan(0);
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
