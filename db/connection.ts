/** Opening the database: one file, WAL, foreign keys on, migrations applied before anything else runs. */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.ts';

export type Orm = BetterSQLite3Database<typeof schema>;

/** The drizzle instance or a transaction inside it: what repository helpers write through. */
export type Executor = BaseSQLiteDatabase<'sync', BetterSqlite3.RunResult, typeof schema>;

export interface Database {
  readonly orm: Orm;
  /** The raw better-sqlite3 handle, for pragmas and tests. */
  readonly sqlite: BetterSqlite3.Database;
  readonly path: string;
  close(): void;
}

/** Found next to this file, not in the working directory: the CLI runs from anywhere. */
const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** How long a writer waits for another process's write to finish before giving up. */
const busyTimeoutMs = 5000;

export function openDatabase(path: string): Database {
  const inMemory = path === ':memory:' || path === '';
  // Transactions are private even where the secrets are encrypted: a new folder and file are the owner's only.
  if (!inMemory) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = !inMemory && !existsSync(path);

  // A database made by an older version (or copied in with a loose umask) is tightened too, with its WAL: the
  // transactions are private even where the secrets are encrypted.
  if (!inMemory && !created) tightenModes(path);
  const sqlite = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  // SQLite gives the -wal and -shm files the database file's mode.
  if (created) chmodSync(path, 0o600);
  try {
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Deleted and overwritten content (a forgotten access key's ciphertext) is zeroed in the file, not left in free space.
    sqlite.pragma('secure_delete = ON');
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    // Durable enough in WAL mode, and much cheaper than FULL on every commit.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');

    const orm = drizzle({ client: sqlite, schema });
    applyMigrations(orm);
    return { orm, sqlite, path, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** The database, its WAL and shared-memory file: the owner's only. */
function tightenModes(path: string): void {
  if (process.platform === 'win32') return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch (error) {
      // Missing -wal/-shm are normal; a file of another user we cannot change is left to fail elsewhere if at all.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw error;
    }
  }
}

function applyMigrations(orm: Orm): void {
  try {
    migrate(orm, { migrationsFolder });
  } catch (error) {
    // drizzle reads the last applied migration before it opens its transaction, so when two processes start on a
    // fresh file together the slower one replays a migration the other just committed and fails. A second pass
    // sees the committed state and has nothing to do; a migration that is really broken fails again and throws.
    try {
      migrate(orm, { migrationsFolder });
    } catch {
      throw error;
    }
  }
}
