/**
 * A consistent copy of the live database with SQLite's online backup API: safe while the bot (another process)
 * writes, because the copy is one snapshot of committed pages, never a file copied mid-write. The copy holds
 * the transaction history in clear and the secrets encrypted, so it is written private to the owner (0600)
 * and, without the key, its secrets cannot be read.
 *
 * The copy is written next to its final name and moved there only when complete and checked, so a failed or
 * interrupted backup never leaves a half-written file under the name asked for, and never clobbers an existing
 * one unless `force` says so.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from './connection.ts';
import { keyEnvVar, keyFilePath } from './secrets.ts';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupOptions {
  /** Replace an existing file at the target. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface BackupResult {
  path: string;
  bytes: number;
  pages: number;
  /** Where the key that decrypts the copy's secrets lives: a key file, or the environment variable. */
  key: { kind: 'file'; path: string } | { kind: 'env'; name: string };
}

/** Pages per backup step: everything in one step, so a busy writer cannot keep restarting the copy. */
const ALL_PAGES = 1 << 30;

export async function backupDatabase(db: Database, target: string, options: BackupOptions = {}): Promise<BackupResult> {
  const env = options.env ?? process.env;
  const path = resolve(target);
  const live = resolve(db.path);
  if ([live, `${live}-wal`, `${live}-shm`, `${live}-journal`, keyFilePath(live)].includes(path)) {
    throw new BackupError(`${target} is the live database or one of its files; choose another path for the backup`);
  }
  if (!existsSync(dirname(path))) throw new BackupError(`cannot write ${target}: the folder ${dirname(path)} does not exist`);
  if (existsSync(path) && !options.force) {
    throw new BackupError(`${target} already exists; choose another name, or pass --force to replace it`);
  }

  // Created empty with mode 0600 before SQLite opens it, so the copy is never readable by others, not even briefly.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    await db.sqlite.backup(temp, { progress: () => ALL_PAGES });
    const pages = checkCopy(temp);
    if (options.force) {
      renameSync(temp, path);
    } else {
      // link() refuses an existing name, so a file that appeared meanwhile is not replaced either.
      try {
        linkSync(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new BackupError(`${target} already exists; choose another name, or pass --force to replace it`);
        }
        throw error;
      }
      rmSync(temp);
    }
    const fromEnv = env[keyEnvVar];
    return {
      path,
      bytes: statSync(path).size,
      pages,
      key: fromEnv ? { kind: 'env', name: keyEnvVar } : { kind: 'file', path: keyFilePath(live) },
    };
  } finally {
    rmSync(temp, { force: true });
    for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
  }
}

/**
 * Has SQLite check the finished copy and returns its page count. The copy is switched out of WAL mode first: a
 * backup is one self-contained file (no -wal or -shm beside it to lose); openDatabase turns WAL on again when
 * the copy is restored and opened.
 */
function checkCopy(file: string): number {
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const result = copy.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`the backup failed SQLite's check (${String(result)}); nothing was written`);
    return copy.pragma('page_count', { simple: true }) as number;
  } finally {
    copy.close();
  }
}
