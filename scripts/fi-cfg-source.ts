/** Where fi.cfg is, and what the README beside it says about where it came from. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DirectorySource } from '../core/directory/types.ts';

/** $OFX_MFA_FI_CFG, else ../shared/bank-directory beside the project (or beside its worktree folder). */
export function locateFiCfg(root: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.OFX_MFA_FI_CFG, join(root, '../shared/bank-directory/fi.cfg'), join(root, '../../shared/bank-directory/fi.cfg')];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c)) ?? null;
}

/** The README names the repository, the path in it and the commit: "(csingley/ofxtools, `ofxtools/config/fi.cfg`, commit 1fd2…; GPLv3". */
export function readSourceNote(readmePath: string): Omit<DirectorySource, 'sha256'> {
  if (!existsSync(readmePath)) throw new Error(`${readmePath} not found: it names the source and commit of fi.cfg`);
  const text = readFileSync(readmePath, 'utf8');
  const m = /\(([\w.-]+\/[\w.-]+),\s*`([^`]+)`,\s*commit\s+([0-9a-f]{40})(?:;\s*([^,)]+))?/.exec(text);
  if (!m) throw new Error(`${readmePath} does not name the repository, path and commit of fi.cfg`);
  return { repository: m[1] as string, path: m[2] as string, commit: m[3] as string, license: (m[4] ?? 'see the source').replace(/\s+see LICENSE$/, '').trim() };
}
