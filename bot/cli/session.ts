/** What every database-backed command needs: the opened database and the member running the command line. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ensureLocalMember, type Member } from '../../db/index.ts';
import { openApp, resolveDbPath, type AppContext } from '../context.ts';

export interface CliSession extends AppContext {
  member: Member;
}

/** The command line acts as `local:<OS user>`, so connections added here are that person's. */
export function localMemberName(): string {
  return `local:${userInfo().username}`;
}

/** Opens the database of `--db` (else `defaultPath`, else $OFX_MFA_DB, else the data directory's), runs `work`, closes it. */
export async function withSession<T>(
  command: Command,
  work: (session: CliSession) => Promise<T>,
  defaultPath?: string,
): Promise<T> {
  const { db: dbFlag } = command.optsWithGlobals<{ db?: string }>();
  const app = openApp(resolveDbPath(dbFlag ?? defaultPath));
  try {
    return await work({ ...app, member: ensureLocalMember(app.db, localMemberName()) });
  } finally {
    app.db.close();
  }
}
