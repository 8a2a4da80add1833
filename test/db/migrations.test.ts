/**
 * Upgrading a database written by an earlier release: every migration after the first must keep the rows that are
 * already there (a table rebuild inside drizzle's migration transaction can cascade deletes into child tables, and
 * a rebuild's copy can read a missing column as a string literal).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.ts';
import { tempDir } from './helpers.ts';

const migrations = fileURLToPath(new URL('../../migrations', import.meta.url));

interface Journal {
  entries: Array<{ tag: string }>;
}

/** A copy of the migrations folder holding only the first `count` migrations, as an older release shipped it. */
function olderRelease(dir: string, count: number): string {
  const folder = join(dir, `migrations-${count}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as Journal;
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) cpSync(join(migrations, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return folder;
}

const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as Journal;

describe('upgrading an existing database', () => {
  it.each(journal.entries.slice(1).map((_, i) => i + 1))('keeps every row when the migrations after #%i run', (applied) => {
    const dir = tempDir();
    const path = join(dir, 'old.sqlite');
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('foreign_keys = ON');
    migrate(drizzle({ client: sqlite }), { migrationsFolder: olderRelease(dir, applied) });
    sqlite.exec(`
      insert into members (local_name, display_name) values ('local:alice', 'alice');
      insert into connections (member_id, name, url, version, client_uid, user_id, encrypted_password)
        values (1, 'one', 'https://bank.example/ofx', '103', 'uid-1', 'alice', 'sealed-1'),
               (1, 'two', 'https://bank.example/ofx', '103', 'uid-2', 'alice', 'sealed-2');
      insert into access_keys (connection_id, encrypted_key) values (1, 'sealed-key');
      insert into accounts (connection_id, kind, account_id) values (1, 'bank', '1000');
      insert into sync_runs (connection_id, triggered_by, state) values (1, 'cli', 'ok'), (2, 'cli', 'ok');
      insert into transactions (account_id, fitid, posted, amount, type) values (1, 'F1', '2026-01-01T00:00:00.000Z', '-1.00', 'DEBIT');
      insert into challenges (sync_run_id, questions, outcome) values (1, '[]', 'accepted'), (2, '[]', 'rejected');
    `);
    const counts = (db: BetterSqlite3.Database) =>
      Object.fromEntries(
        ['members', 'connections', 'access_keys', 'accounts', 'sync_runs', 'transactions', 'challenges'].map((t) => [
          t,
          (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n,
        ]),
      );
    const before = counts(sqlite);
    sqlite.close();

    const db = openDatabase(path);
    try {
      expect(counts(db.sqlite)).toEqual(before);
      expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
      // New columns start empty, never with a copied literal such as 'relay_id'.
      const challenges = db.sqlite.prepare('select * from challenges').all() as Array<Record<string, unknown>>;
      for (const row of challenges) {
        for (const [column, value] of Object.entries(row)) {
          expect(value, column).not.toBe(column);
        }
      }
      const connections = db.sqlite.prepare('select * from connections').all() as Array<Record<string, unknown>>;
      for (const row of connections) {
        for (const [column, value] of Object.entries(row)) expect(value, column).not.toBe(column);
      }
    } finally {
      db.close();
    }
  });

  it('keeps a failing schedule when its failure columns arrive, and the new columns start empty', () => {
    const dir = tempDir();
    const path = join(dir, 'old.sqlite');
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('foreign_keys = ON');
    const before = journal.entries.findIndex((e) => e.tag.endsWith('_schedule_failures'));
    expect(before).toBeGreaterThan(0);
    migrate(drizzle({ client: sqlite }), { migrationsFolder: olderRelease(dir, before) });
    sqlite.exec(`
      insert into members (local_name, display_name) values ('local:alice', 'alice');
      insert into connections (member_id, name, url, version, client_uid, user_id, encrypted_password)
        values (1, 'one', 'https://bank.example/ofx', '103', 'uid-1', 'alice', 'sealed-1');
      insert into schedules (connection_id, every, next_run_at, last_outcome, failures, notified_at)
        values (1, 'daily', '2026-01-02T00:00:00.000Z', 'error', 2, '2026-01-01T00:00:00.000Z');
    `);
    sqlite.close();
    const db = openDatabase(path);
    try {
      expect(db.sqlite.prepare('select every, last_outcome, failures, notified_at, failing_since, failure_kind from schedules').all()).toEqual([
        { every: 'daily', last_outcome: 'error', failures: 2, notified_at: '2026-01-01T00:00:00.000Z', failing_since: null, failure_kind: null },
      ]);
    } finally {
      db.close();
    }
  });
});
