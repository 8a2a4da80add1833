/**
 * `ofx-mfa backup FILE`, and restoring it the way the README says: the real binary, a real database that has
 * synced against the simulated bank (so it holds an encrypted password and access key), restored elsewhere.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { cli } from './cli-helpers.ts';

describe('ofx-mfa backup', () => {
  let bank: SimBank;
  let dir: string;
  let db: string;

  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version: '211' });
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-backup-'));
    db = join(dir, 'live', 'ofx.sqlite');
  });
  afterAll(async () => {
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the live database; restored with its key file, it syncs on the stored access key', async () => {
    const run = (dbPath: string, args: string[], input?: string) => cli(['--db', dbPath, ...args], { input, cwd: dir });
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify(bank.info().answers), { mode: 0o600 }); // answers files must be private
    expect((await run(db, ['bank', 'add', 'home', '--url', bank.url, '--org', 'SIMBANK', '--fid', '1001', '--user', 'demo', '--ofx-version', '211', '--password-stdin'], 'demo-password\n')).code).toBe(0);
    const synced = await run(db, ['sync', 'home', '--answers', answers, '--json']);
    expect(JSON.parse(synced.stdout)).toMatchObject({ challenged: true, accessKeyStored: true });
    const original = (await run(db, ['transactions', 'home', '--format', 'json'])).stdout;
    expect(JSON.parse(original).length).toBeGreaterThan(0);

    const file = join(dir, 'backup.sqlite');
    const backup = await run(db, ['backup', file]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backup written to ${file}`);
    // It names the key file it depends on.
    expect(backup.stdout).toContain(`the key file ${db}.key`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await run(db, ['backup', file]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toEqual([`error: ${file} already exists; choose another name, or pass --force to replace it`]);
    expect((await run(db, ['backup', file, '--force'])).code).toBe(0);
    expect((await run(join(dir, 'nothing-here.sqlite'), ['backup', join(dir, 'x.sqlite')])).stderr).toMatch(/^error: no database at /);

    // Restore as the README says: the backup as the database file, its key file next to it, 0600.
    const restored = join(dir, 'restored', 'ofx.sqlite');
    mkdirSync(join(dir, 'restored'), { mode: 0o700 });
    copyFileSync(file, restored);
    copyFileSync(`${db}.key`, `${restored}.key`);
    chmodSync(`${restored}.key`, 0o600);
    expect((await run(restored, ['transactions', 'home', '--format', 'json'])).stdout).toBe(original);
    // The password and the access key decrypt: the bank takes the key, so no challenge.
    const resync = await run(restored, ['sync', 'home', '--json']);
    expect(resync.code).toBe(0);
    expect(JSON.parse(resync.stdout)).toMatchObject({ challenged: false, status: { code: 0 } });

    // Without the key file the secrets are unreadable, and the sync says so in one line.
    const keyless = join(dir, 'keyless', 'ofx.sqlite');
    mkdirSync(join(dir, 'keyless'), { mode: 0o700 });
    copyFileSync(file, keyless);
    const refused = await run(keyless, ['sync', 'home']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual(['error: cannot decrypt stored secrets: OFX_MFA_KEY or the key file is not the one they were saved with']);
  }, 180_000); // a dozen CLI processes, each starting tsx, on a shared two-core machine
});
