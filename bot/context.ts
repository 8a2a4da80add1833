/** Where the database lives and how it is opened, for every entry point (command line, bot, demo). */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { openDatabase, SecretBox, type Database } from '../db/index.ts';

export interface AppContext {
  db: Database;
  box: SecretBox;
  dbPath: string;
}

/**
 * The user's data directory for ofx-mfa: $XDG_DATA_HOME/ofx-mfa, else ~/.local/share/ofx-mfa (the XDG base
 * directory spec; a relative XDG_DATA_HOME is ignored, as the spec says). Not the working directory: a cron job
 * runs from elsewhere and must find the same connections.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'ofx-mfa');
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'ofx-mfa.sqlite');
}

/** The demo's own database, next to the real one: its simulated bank never lands among real connections. */
export function demoDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'demo.sqlite');
}

/** `--db`, else $OFX_MFA_DB, else ofx-mfa.sqlite in the user's data directory (DESIGN 4.1). */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.OFX_MFA_DB || defaultDbPath(env)));
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
