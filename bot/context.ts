/** Where the database lives and how it is opened, for every entry point (command line, bot, demo). */
import { resolve } from 'node:path';
import { openDatabase, SecretBox, type Database } from '../db/index.ts';

export const DEFAULT_DB_PATH = './data/ofx-mfa.sqlite';

export interface AppContext {
  db: Database;
  box: SecretBox;
  dbPath: string;
}

/** `--db`, else $OFX_MFA_DB, else ./data/ofx-mfa.sqlite (DESIGN 4.1). */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.OFX_MFA_DB || DEFAULT_DB_PATH));
}

export function openApp(dbPath: string, env: NodeJS.ProcessEnv = process.env): AppContext {
  const db = openDatabase(dbPath);
  try {
    return { db, box: SecretBox.load(dbPath, env), dbPath };
  } catch (error) {
    db.close();
    throw error;
  }
}
