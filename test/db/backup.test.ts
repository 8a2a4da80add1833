/** db/backup.ts: SQLite's online backup, checked against a second process writing all the while. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackupError, backupDatabase } from '../../db/backup.ts';
import { getConnection, toConnectionConfig } from '../../db/index.ts';
import { saveStatements } from '../../db/repositories/statements.ts';
import { SecretBox } from '../../db/secrets.ts';
import { fixture, open, statement, tempDir, testBox, txn } from './helpers.ts';

const WRITER = join(import.meta.dirname, 'fixtures/writer-child.ts');
const BATCH = 250;

const countIn = (file: string): number => {
  const copy = new BetterSqlite3(file, { readonly: true });
  try {
    return copy.prepare('select count(*) from transactions').pluck().get() as number;
  } finally {
    copy.close();
  }
};

describe('backupDatabase', () => {
  it('writes a checked, self-contained copy, mode 0600, and says where the key is', async () => {
    const { db, path, connection } = fixture();
    saveStatements(db, null, connection.id, [statement('111', [txn('a', '1.00'), txn('b', '2.00')])]);
    const target = join(tempDir(), 'backup.sqlite');
    const result = await backupDatabase(db, target, { env: {} });
    expect(result).toMatchObject({ path: target, key: { kind: 'file', path: `${path}.key` } });
    expect(result.pages).toBeGreaterThan(1);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(result.bytes).toBe(statSync(target).size);
    // One file: no WAL, no journal, no leftover partial file beside it.
    expect(readdirSync(join(target, '..'))).toEqual(['backup.sqlite']);
    expect(countIn(target)).toBe(2);
    expect((await backupDatabase(db, join(tempDir(), 'b.sqlite'), { env: { OFX_MFA_KEY: 'x' } })).key).toEqual({ kind: 'env', name: 'OFX_MFA_KEY' });
  });

  it('refuses to overwrite a file unless forced, and never the live database or its files', async () => {
    const { db, path } = fixture();
    const target = join(tempDir(), 'backup.sqlite');
    writeFileSync(target, 'precious');
    await expect(backupDatabase(db, target)).rejects.toThrow(/already exists.*--force/);
    expect(statSync(target).size).toBe('precious'.length);
    await backupDatabase(db, target, { force: true });
    expect(countIn(target)).toBe(0);
    for (const live of [path, `${path}-wal`, `${path}.key`]) await expect(backupDatabase(db, live, { force: true })).rejects.toThrow(BackupError);
    await expect(backupDatabase(db, join(tempDir(), 'no/such/dir/b.sqlite'))).rejects.toThrow(/does not exist/);
  });

  it('restored with its key, the copy opens and its secrets decrypt; with another key they do not', async () => {
    const { db, member, connection } = fixture();
    saveStatements(db, null, connection.id, [statement('111', [txn('a', '1.00')])]);
    const restored = join(tempDir(), 'restored.sqlite');
    await backupDatabase(db, restored);
    const copy = open(restored);
    const row = getConnection(copy, member.id, 'credit-union')!;
    expect(toConnectionConfig(testBox, row).password).toBe('hunter2-password');
    expect(() => toConnectionConfig(SecretBox.fromKey(Buffer.alloc(32, 9)), row)).toThrow(/key/i);
    expect(copy.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('is one consistent snapshot while another process keeps committing', async () => {
    const { db, path, connection } = fixture();
    // Something to copy that takes more than one backup step, so a naive copy would straddle commits.
    saveStatements(db, null, connection.id, [statement('111', Array.from({ length: 5 * BATCH }, (_, i) => txn(`base${i}`, '1.00')))]);
    const writer = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(connection.id), String(BATCH)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: writer.stdout! });
    const commits: number[] = [];
    const firstCommit = new Promise<void>((resolve) => lines.on('line', (l) => commits.push(Number(l.split(' ')[1])) === 1 && resolve()));
    try {
      await firstCommit;
      const dir = tempDir();
      for (let i = 0; i < 5; i++) {
        const file = join(dir, `b${i}.sqlite`);
        const committedBefore = commits.at(-1)!;
        await backupDatabase(db, file);
        const copied = countIn(file) - 5 * BATCH;
        // Every copy holds whole batches only, never half of a transaction the writer was committing, and
        // everything committed before it began (still in the WAL, not yet in the main file).
        expect(copied % BATCH).toBe(0);
        expect(copied).toBeGreaterThanOrEqual(committedBefore);
      }
      expect(commits.length).toBeGreaterThan(1);
    } finally {
      writer.stdin!.end();
      await new Promise((r) => writer.on('close', r));
    }
    expect(existsSync(`${path}-wal`)).toBe(true);
  });
});
