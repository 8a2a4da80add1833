// Which sources a build of dist/ came from: one SHA-256 over the path and bytes of every file tsconfig.build.json
// compiles (and the migrations it copies), so bin/ofx-mfa.js runs dist/ only when it was built from exactly the
// sources beside it. Contents, not modification times: a checkout or a `touch` must not make an old build look
// current, nor a fresh one look old. Plain JavaScript without dependencies: it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folders compiled into dist/ (tsconfig.build.json "include"), the migrations, and the compiler settings. */
export const SOURCE_DIRS = ['core', 'db', 'bot', 'sim', 'migrations'];
export const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json'];

export const STAMP_FILE = 'BUILD-STAMP.json';

function walk(root, dir, out) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(root, path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** The digest of the sources under `root` (the package folder). */
export function sourceDigest(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(root, dir, files);
  for (const file of SOURCE_FILES) files.push(file);
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    let bytes;
    try {
      bytes = readFileSync(join(root, file));
    } catch {
      continue;
    }
    hash.update(file).update('\0').update(bytes).update('\0');
  }
  return hash.digest('hex');
}
