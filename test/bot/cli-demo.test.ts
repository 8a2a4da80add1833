/**
 * `npm start` without DISCORD_TOKEN runs `ofx-mfa demo`: the simulated bank, the Discord stand-in and the real bot,
 * with a scripted member when there is no terminal. It must work with no network and no token.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { BIN, cli } from './cli-helpers.ts';

const START = fileURLToPath(new URL('../../bin/start.js', import.meta.url));

it('plays a member through /bank add, a challenged /sync, a quiet one, a revoked key and a challenged one again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-demo-'));
  try {
    const result = await cli(['--db', join(dir, 'demo.sqlite'), 'demo'], { cwd: dir, env: { DISCORD_TOKEN: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^ofx-mfa offline demo \(no DISCORD_TOKEN set\)/);
    expect(result.stdout).toMatch(/a scripted member answers/);
    const [, add, first, second, revoke, third] = result.stdout.split('\n== ');
    expect(add).toMatch(/alex >: \/bank add/);
    expect(add).toMatch(/┌ Sign in to simbank/);
    expect(add).toMatch(/Added \*\*simbank\*\*/);
    expect(first).toMatch(/bot \(DM\): .*simbank\*\*: the bank asks 2 security questions/);
    expect(first).toMatch(/┌ simbank: security questions/);
    expect(first).toMatch(/Mother's maiden name/);
    expect(first).toMatch(/answers accepted, access key saved/);
    expect(second).toMatch(/no questions asked/);
    expect(second).not.toMatch(/bot \(DM\)/);
    expect(revoke).toMatch(/revoke/);
    expect(third).toMatch(/bot \(DM\):.*security questions/);
    expect(third).toMatch(/answers accepted, access key saved/);
    // No duplicates: the first sync's transactions are all there once; the later ones (same days) add none.
    const firstCount = Number(/synced, (\d+) new transactions/.exec(first ?? '')?.[1]);
    expect(firstCount).toBeGreaterThan(0);
    expect(second).toMatch(/synced, 0 new transactions/);
    expect(third).toMatch(/synced, 0 new transactions/);
    const db = new BetterSqlite3(join(dir, 'demo.sqlite'), { readonly: true });
    try {
      expect(db.prepare('select count(*) from transactions').pluck().get()).toBe(firstCount);
    } finally {
      db.close();
    }

    // The answers and the password the scripted member typed are never printed.
    expect(result.stdout + result.stderr).not.toMatch(/\bRex\b|\bSmith\b|demo-password/);

    // Run again: a fresh demo connection, challenged again.
    expect((await cli(['--db', join(dir, 'demo.sqlite'), 'demo'], { cwd: dir, env: { DISCORD_TOKEN: '' } })).code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

it('npm start says in its first line that it runs the demo when DISCORD_TOKEN is not set', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-start-'));
  try {
    const child = spawn(process.execPath, [START], { cwd: dir, env: { ...process.env, DISCORD_TOKEN: '', OFX_MFA_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
    });
    child.kill('SIGTERM');
    expect(first).toMatch(/^ofx-mfa offline demo \(no DISCORD_TOKEN set\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('keeps to its own database in the data directory, never $OFX_MFA_DB, unless --db names one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-demo-'));
  try {
    const real = join(dir, 'real.sqlite');
    const result = await cli(['demo'], { cwd: dir, env: { XDG_DATA_HOME: join(dir, 'xdg'), OFX_MFA_DB: real, OFX_MFA_KEY: '', DISCORD_TOKEN: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`database ${join(dir, 'xdg', 'ofx-mfa', 'demo.sqlite')}`);
    expect(existsSync(join(dir, 'xdg', 'ofx-mfa', 'demo.sqlite'))).toBe(true);
    expect(existsSync(real)).toBe(false);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

it.skipIf(!hasScript)('on a terminal the person types the answers to the modal\'s questions, hidden', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-demo-tty-'));
  try {
    // script(1) gives the demo a real pseudo-terminal; answers are typed when each prompt shows.
    const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} --db ${join(dir, 'demo.sqlite')} demo`, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, DISCORD_TOKEN: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const typedCount = new Map<string, number>();
    const typed: Record<string, string> = { "Mother's maiden name: ": 'Smith', 'Name of your first pet?: ': 'Rex' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      // Answer each showing of a prompt once (it shows once per challenged sync).
      for (const [prompt, value] of Object.entries(typed)) {
        while (out.split(prompt).length - 1 > (typedCount.get(prompt) ?? 0)) {
          child.stdin.write(`${value}\r`);
          typedCount.set(prompt, (typedCount.get(prompt) ?? 0) + 1);
        }
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/You play alex/);
    expect(out.match(/answers accepted, access key saved/g)?.length).toBe(2);
    // What was typed is never shown: the prompts mask it.
    expect(out.split('\n').filter((l) => /maiden name: |first pet\?: /.test(l)).join('\n')).not.toMatch(/Smith|Rex/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
