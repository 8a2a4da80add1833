/**
 * SIGKILL in the middle of a sync, then start again (issue 10 "Faults"): the real binary is killed while its sync
 * waits on the bank; the database opens cleanly, nothing committed before is lost, the dead run is marked
 * crashed, and the next sync works on the stored access key. (The waiting-challenge half is the bot's.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMemberName } from '../../bot/cli/session.ts';
import { ensureLocalMember, getConnection, listSyncRuns, openDatabase } from '../../db/index.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { cli, startCli } from './cli-helpers.ts';

describe('ofx-mfa sync killed mid-sync', () => {
  let bank: SimBank;
  let dir: string;
  let db: string;
  let hung: () => void = () => {};

  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version: '103', onRequest: (e) => e.fault === 'hang' && hung() });
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-restart-'));
    db = join(dir, 'ofx.sqlite');
  });
  afterAll(async () => {
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens cleanly, keeps what was committed, marks the run crashed, and syncs again', async () => {
    const run = (args: string[], input?: string) => cli(['--db', db, ...args], { input, cwd: dir });
    const runs = () => {
      const h = openDatabase(db);
      try {
        return listSyncRuns(h, getConnection(h, ensureLocalMember(h, localMemberName()).id, 'home')!.id, 10);
      } finally {
        h.close();
      }
    };
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify(bank.info().answers), { mode: 0o600 }); // answers files must be private
    expect((await run(['bank', 'add', 'home', '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--user', 'demo', '--ofx-version', '103', '--password-stdin'], 'demo-password\n')).code).toBe(0);
    expect((await run(['sync', 'home', '--answers', answers])).code).toBe(0);
    const committed = (await run(['transactions', 'home', '--format', 'json'])).stdout;
    expect(JSON.parse(committed).length).toBeGreaterThan(0);

    // The bank's next answer never comes; the sync holds its run open, waiting. Kill it there.
    await fetch(bank.url.replace(/\/ofx$/, '/admin/faults'), { method: 'POST', body: JSON.stringify({ fault: 'hang', count: 1, user: 'demo' }) });
    const bankWaits = new Promise<void>((resolve) => (hung = resolve));
    const victim = startCli(['--db', db, 'sync', 'home', '--timeout', '120'], { cwd: dir });
    // Killed once the bank holds its request: the run is open and the sync is waiting on the network.
    await bankWaits;
    expect(runs().some((r) => r.state === 'running')).toBe(true);
    victim.child.kill('SIGKILL');
    expect((await victim.done).code).toBeNull();

    const raw = new BetterSqlite3(db);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    expect((await run(['transactions', 'home', '--format', 'json'])).stdout).toBe(committed);

    const again = await run(['sync', 'home', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ challenged: false, status: { code: 0 } });
    const [latest, killed] = runs();
    expect(latest).toMatchObject({ state: 'ok' });
    expect(killed).toMatchObject({ state: 'crashed', message: expect.stringMatching(/stopped before finishing/) });
    expect(JSON.parse((await run(['transactions', 'home', '--format', 'json'])).stdout).length).toBeGreaterThanOrEqual(JSON.parse(committed).length);
  }, 180_000);
});
