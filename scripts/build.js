// `npm run build` (and `prepare`, so `npm install` / `npm ci` build it): compiles tsconfig.build.json with tsc
// (the type check a build must pass), then bundles the command line from that output with esbuild into dist/cli/,
// copies the migrations to dist/migrations (db/connection.ts finds them at ../migrations) and the bank directory
// next to the bundle, and writes dist/BUILD-STAMP.json with the digest of the sources it was built from, so
// bin/ofx-mfa.js can tell a current build from a stale one. The build goes to a scratch folder first and replaces
// dist/ only when complete: a half-written dist/ is never taken for a build.
//
// Why a bundle: Node 20 loads ES modules one file at a time, and a keyed `ofx-mfa sync` loaded some 500 of them
// (drizzle-orm alone about 420, its pg-core included). One bundle with a chunk per lazily loaded command took a
// keyed sync from ~500 to ~385 ms and 3 MB less (issue 7's start-up target). Packages stay external where
// bundling would change them: native code (better-sqlite3), what is loaded by path or in workers (undici's deep
// imports, pino), and the large libraries only some commands load (discord.js, ws, tsx).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceDigest, STAMP_FILE } from '../bin/source-digest.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Bundled: pure ES-module JavaScript of many small files, where per-file loading is what costs (CommonJS
 * packages stay external: bundled into ES modules, their require() of Node's own modules would fail). */
const BUNDLED = new Set(['drizzle-orm']);

let tsc;
let esbuild;
try {
  tsc = require.resolve('typescript/bin/tsc');
  esbuild = await import('esbuild');
} catch {
  // An install without dev dependencies: the command line still works, through tsx (a dependency).
  process.stdout.write('build skipped: typescript or esbuild is not installed; ofx-mfa will run its TypeScript sources through tsx\n');
  process.exit(0);
}

const digest = sourceDigest(root);
const scratch = join(root, `.dist-build-${process.pid}`);
rmSync(scratch, { recursive: true, force: true });
try {
  const compiledDir = join(scratch, 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', compiledDir], { stdio: 'inherit', cwd: root });
  if (compiled.status !== 0) {
    process.stderr.write(`build failed: tsc exited ${compiled.status ?? compiled.signal}\n`);
    process.exit(1);
  }
  const dependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);
  await esbuild.build({
    entryPoints: [join(compiledDir, 'bot/cli/main.js')],
    outdir: join(scratch, 'cli'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: dependencies.filter((name) => !BUNDLED.has(name)),
    logLevel: 'warning',
  });
  rmSync(compiledDir, { recursive: true });
  cpSync(join(root, 'migrations'), join(scratch, 'migrations'), { recursive: true });
  // The bank directory is data read at run time (core/directory/index.ts, next to its module: here the bundle).
  cpSync(join(root, 'core/directory/banks.json'), join(scratch, 'cli/banks.json'));
  writeFileSync(join(scratch, STAMP_FILE), `${JSON.stringify({ digest, builtAt: new Date().toISOString() })}\n`);
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  renameSync(scratch, dist);
  if (sourceDigest(root) !== digest) process.stderr.write('note: sources changed during the build; bin/ofx-mfa.js will run them through tsx until the next build\n');
} finally {
  if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
}
