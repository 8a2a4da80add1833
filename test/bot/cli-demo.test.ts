/** `npm start` runs `ofx-mfa demo`: the offline demo must work with no terminal, no network and no token. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli } from './cli-helpers.ts';

it('challenges once, then syncs on the stored key, with a scripted member answering', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-demo-'));
  try {
    const result = await cli(['--db', join(dir, 'demo.sqlite'), 'demo'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/a scripted member answers/);
    const [first, second] = result.stdout.split('== second sync');
    expect(first).toMatch(/simbank: synced, [1-9]\d* new transactions; challenge answered; new access key stored/);
    expect(second).toMatch(/simbank: synced, 0 new transactions; no challenge \(access key from /);
    // The answers the scripted member gave are never printed.
    expect(result.stdout + result.stderr).not.toMatch(/\bRex\b|\bSmith\b/);

    // Run again: a fresh demo connection, challenged again, still no duplicates of anything.
    expect((await cli(['--db', join(dir, 'demo.sqlite'), 'demo'], { cwd: dir })).code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('keeps to its own database in the data directory, never $OFX_MFA_DB, unless --db names one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-demo-'));
  try {
    const real = join(dir, 'real.sqlite');
    const result = await cli(['demo'], { cwd: dir, env: { XDG_DATA_HOME: join(dir, 'xdg'), OFX_MFA_DB: real, OFX_MFA_KEY: '' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`database ${join(dir, 'xdg', 'ofx-mfa', 'demo.sqlite')}`);
    expect(existsSync(join(dir, 'xdg', 'ofx-mfa', 'demo.sqlite'))).toBe(true);
    expect(existsSync(real)).toBe(false);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
