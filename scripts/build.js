// `npm run build` (and `prepare`, so `npm install` / `npm ci` build it): compiles tsconfig.build.json into dist/,
// copies the migrations next to the compiled db/ (db/connection.ts finds them at ../migrations), and writes
// dist/BUILD-STAMP.json with the digest of the sources it was built from, so bin/ofx-mfa.js can tell a current
// build from a stale one. The build goes to a scratch folder first and replaces dist/ only when complete: a
// half-written dist/ is never taken for a build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceDigest, STAMP_FILE } from '../bin/source-digest.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies: the command line still works, through tsx (a dependency).
  process.stdout.write('build skipped: typescript is not installed; ofx-mfa will run its TypeScript sources through tsx\n');
  process.exit(0);
}

const digest = sourceDigest(root);
const scratch = join(root, `.dist-build-${process.pid}`);
rmSync(scratch, { recursive: true, force: true });
try {
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', scratch], { stdio: 'inherit', cwd: root });
  if (compiled.status !== 0) {
    process.stderr.write(`build failed: tsc exited ${compiled.status ?? compiled.signal}\n`);
    process.exit(1);
  }
  cpSync(join(root, 'migrations'), join(scratch, 'migrations'), { recursive: true });
  // The bank directory is data read at run time (core/directory/index.ts), not a module tsc would emit.
  cpSync(join(root, 'core/directory/banks.json'), join(scratch, 'core/directory/banks.json'));
  writeFileSync(join(scratch, STAMP_FILE), `${JSON.stringify({ digest, builtAt: new Date().toISOString() })}\n`);
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  renameSync(scratch, dist);
  if (sourceDigest(root) !== digest) process.stderr.write('note: sources changed during the build; bin/ofx-mfa.js will run them through tsx until the next build\n');
} finally {
  if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
}
