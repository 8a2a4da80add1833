import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.ts';
import { open, tempDbPath } from './helpers.ts';

const expectedTables = [
  'access_keys',
  'accounts',
  'challenges',
  'connections',
  'guild_settings',
  'members',
  'schedules',
  'sync_runs',
  'transactions',
];

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db.sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`)
    .pluck()
    .all() as string[];
}

describe('openDatabase', () => {
  it('creates the parent folder and a fresh file with every table, in WAL mode with foreign keys on', () => {
    const path = tempDbPath();
    const db = open(path);
    expect(existsSync(path)).toBe(true);
    expect(tables(db)).toEqual(expectedTables);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a new database, its WAL and its folder private to the owner', () => {
    const path = tempDbPath();
    const db = open(path);
    db.sqlite.prepare(`insert into members (local_name, display_name) values ('local:eve', 'eve')`).run();
    for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o077).toBe(0);
    expect(statSync(dirname(path)).mode & 0o077).toBe(0);
  });

  it('tightens an existing database and its WAL to the owner only when it opens them', () => {
    const path = tempDbPath();
    const first = open(path);
    first.sqlite.prepare(`insert into members (local_name, display_name) values ('local:eve', 'eve')`).run();
    // As an older version (or a loose umask, or a copy) left them.
    for (const file of [path, `${path}-wal`]) chmodSync(file, 0o644);
    open(path);
    for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('opens an existing file again without re-applying or losing anything', () => {
    const path = tempDbPath();
    const first = open(path);
    first.sqlite.prepare(`insert into members (local_name, display_name) values ('local:bob', 'bob')`).run();
    const applied = first.sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get();
    first.close();

    const second = open(path);
    expect(tables(second)).toEqual(expectedTables);
    expect(second.sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(applied);
    expect(second.sqlite.prepare('select display_name from members').pluck().all()).toEqual(['bob']);
  });

  it('lets two handles on the same file both open it', () => {
    const path = tempDbPath();
    const a = open(path);
    const b = open(path);
    expect(tables(a)).toEqual(tables(b));
  });

  it('works in memory for quick unit use', () => {
    const db = openDatabase(':memory:');
    try {
      expect(tables(db)).toEqual(expectedTables);
    } finally {
      db.close();
    }
  });
});
