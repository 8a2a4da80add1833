#!/usr/bin/env node
// The `ofx-mfa` command. It runs the compiled, bundled JavaScript in dist/ (built by `npm run build`, and by `prepare` at
// install) when, and only when, dist/ was built from exactly the sources beside it: dist/BUILD-STAMP.json holds the
// digest of those sources (bin/source-digest.js) and is compared with theirs at every start, which costs a few
// milliseconds. Otherwise (no build yet, or any source edited, added or removed since) it runs the TypeScript
// sources through tsx, which is slower to start but never stale. OFX_MFA_FROM_SOURCE=1 forces the sources.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceDigest, STAMP_FILE } from './source-digest.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = new URL('../dist/cli/main.js', import.meta.url);

function builtFromTheseSources() {
  if (process.env.OFX_MFA_FROM_SOURCE === '1') return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL(`../dist/${STAMP_FILE}`, import.meta.url), 'utf8'));
  } catch {
    return false;
  }
  // An install that ships dist/ without the TypeScript has nothing to be stale against.
  if (!existsSync(new URL('../bot/cli/main.ts', import.meta.url))) return true;
  return stamp.digest === sourceDigest(root);
}

let cli;
if (builtFromTheseSources()) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../bot/cli/main.ts');
}
await cli.main(process.argv);
