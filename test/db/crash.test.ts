/**
 * SIGKILL in the middle of writing: a second process commits batches of transactions through saveStatements and
 * is killed at a random moment, again and again. Each time the file opens cleanly, passes SQLite's integrity
 * check, holds every batch the process reported committed, and never part of a batch.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { saveStatements } from '../../db/repositories/statements.ts';
import { fixture, open, statement, txn } from './helpers.ts';

const WRITER = join(import.meta.dirname, 'fixtures/writer-child.ts');
const BATCH = 300;
const KILLS = 4;

describe('a writer killed mid-commit', () => {
  it('loses nothing it committed and leaves no partial batch, kill after kill', async () => {
    const { db, path, connection } = fixture();
    saveStatements(db, null, connection.id, [statement('kept', [txn('k1', '1.00'), txn('k2', '2.00')])]);
    db.close();
    let committed = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(connection.id), String(BATCH), `r${kill}-`], { stdio: ['pipe', 'pipe', 'inherit'] });
      const reported: number[] = [];
      const started = new Promise<void>((resolve) => {
        createInterface({ input: writer.stdout! }).on('line', (line) => {
          reported.push(Number(line.split(' ')[1]));
          resolve();
        });
      });
      await started;
      // A moment later, at a point nobody chose: most likely inside a commit, the writer does little else.
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
      writer.kill('SIGKILL');
      await new Promise((r) => writer.on('close', r));
      committed += reported.at(-1)!;

      const reopened = open(path);
      expect(reopened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const busy = reopened.sqlite.prepare("SELECT count(*) FROM transactions WHERE fitid LIKE ?").pluck().get(`r${kill}-%`) as number;
      // Every batch it said was committed is there, and whole batches only (the one being written is gone or complete).
      expect(busy).toBeGreaterThanOrEqual(reported.at(-1)!);
      expect(busy % BATCH).toBe(0);
      expect(reopened.sqlite.prepare("SELECT count(*) FROM transactions WHERE fitid IN ('k1', 'k2')").pluck().get()).toBe(2);
      reopened.close();
    }
    expect(committed).toBeGreaterThan(0);
  });
});
