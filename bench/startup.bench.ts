/**
 * Start-up benchmark (`npm run bench -- startup`), issue 7: how long a few `ofx-mfa` commands take from exec to
 * exit, and their peak resident memory, against a bare `node -e 0` on the same machine at the same moment.
 * Target: every command of dist/ (what production runs) under 3x the bare start and under 70 MB; the source
 * rows (development) have none.
 *
 * Each command runs RUNS times in a fresh process; the table shows the median wall time and the median peak RSS
 * (the child's own getrusage maxRSS, written at exit by bench/report-rss.mjs, loaded with --import, so no
 * platform tool is needed). Two ways of running the same bin/ofx-mfa.js are measured:
 * - dist: the compiled JavaScript (built first when dist/ is not current, as `npm install` would);
 * - source: OFX_MFA_FROM_SOURCE=1, the TypeScript through tsx, as in development before a build.
 * BENCH_ROOT=DIR measures another checkout's bin/ofx-mfa.js (e.g. an older commit unpacked with `git archive`)
 * for a before/after comparison.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimBank } from '../sim/bank/index.ts';

const RUNS = 5;
const here = fileURLToPath(new URL('.', import.meta.url));
const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'ofx-mfa.js');
const rssHook = join(here, 'report-rss.mjs');
const work = mkdtempSync(join(tmpdir(), 'ofx-mfa-startup-'));
const db = join(work, 'bench.sqlite');
const rssFile = join(work, 'rss');

interface Sample {
  ms: number;
  rssMb: number;
  code: number | null;
}


/** Runs a child to its end without blocking this process: the simulated bank it talks to runs here. */
function runChild(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd: work, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

async function once(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  rmSync(rssFile, { force: true });
  const started = process.hrtime.bigint();
  const child = await runChild(['--import', rssHook, ...args], { ...env, BENCH_RSS_FILE: rssFile });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssKb = Number(readFileSync(rssFile, 'utf8'));
  return { ms, rssMb: rssKb / 1024, code: child.code };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function measure(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  await once(args, env); // warm the file cache (and tsx's transform cache) so every run starts alike
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(args, env));
  return { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.rssMb)), code: samples.at(-1)?.code ?? null };
}

function ensureBuilt(): void {
  // The same check the bin makes; a stale or missing dist/ is rebuilt, as `npm install` would have.
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { sourceDigest, STAMP_FILE } from ${JSON.stringify(join(root, 'bin', 'source-digest.js'))};
    import { readFileSync } from 'node:fs';
    let ok = false;
    try { ok = JSON.parse(readFileSync(${JSON.stringify(join(root, 'dist'))} + '/' + STAMP_FILE, 'utf8')).digest === sourceDigest(${JSON.stringify(root)}); } catch {}
    process.exit(ok ? 0 : 1);`], { stdio: 'ignore' });
  if (probe.status === 0) return;
  process.stdout.write('(building dist/ first: npm run build)\n');
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
}

const hasBuild = (() => {
  try {
    readFileSync(join(root, 'scripts', 'build.js'));
    return true;
  } catch {
    return false;
  }
})();
if (hasBuild) ensureBuilt();

const bank = await startSimBank({ port: 0 });
try {
  const env = { OFX_MFA_DB: db, OFX_MFA_KEY: '', XDG_DATA_HOME: work };
  const statement = join(work, 'statement.ofx');
  const answers = join(work, 'answers.json');
  writeFileSync(answers, JSON.stringify(bank.info().answers), { mode: 0o600 });
  const fixture = fileURLToPath(new URL('../test/fixtures/ofx/investment-statement.ofx', import.meta.url));
  writeFileSync(statement, readFileSync(fixture));

  // A keyed connection: added, then challenged and answered once, so the timed syncs sign on with the key.
  const setup = async (args: string[], input?: string) => {
    const r = await runChild([bin, '--db', db, ...args], env, input);
    if (r.code !== 0) throw new Error(`setup ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  };
  const info = bank.info();
  await setup(['bank', 'add', 'sim', '--url', info.url, '--org', info.org, '--fid', info.fid, '--user', info.user, '--password-stdin'], `${info.password}\n`);
  await setup(['sync', 'sim', '--answers', answers]);

  const commands: [string, string[]][] = [
    ['--help', ['--help']],
    ['bank list', ['bank', 'list']],
    ['parse FILE', ['parse', statement]],
    ['sync (keyed, sim bank)', ['sync', 'sim']],
  ];
  const bare = await measure(['-e', '0']);
  const modes: [string, NodeJS.ProcessEnv][] = hasBuild
    ? [
        ['dist', {}],
        ['source', { OFX_MFA_FROM_SOURCE: '1' }], // development: no target
      ]
    : [['as checked out', {}]];

  process.stdout.write(
    `bin: ${bin}\n${RUNS} runs each, medians; bare \`node -e 0\`: ${bare.ms.toFixed(0)} ms, ${bare.rssMb.toFixed(1)} MB; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores\n\n`,
  );
  process.stdout.write(`| mode | command | wall ms | x bare | peak RSS MB | target (<3x, <70 MB) |\n|---|---|---:|---:|---:|---|\n`);
  for (const [mode, modeEnv] of modes) {
    for (const [label, args] of commands) {
      const m = await measure([bin, ...args], { ...env, ...modeEnv });
      const ratio = m.ms / bare.ms;
      const ok = m.code === 0 && ratio < 3 && m.rssMb < 70;
      // The target is for what production runs (dist/); the sources through tsx are development's only.
      const verdict = m.code !== 0 ? `exit ${m.code}` : mode === 'source' ? 'dev, no target' : ok ? 'ok' : 'MISSED';
      process.stdout.write(`| ${mode} | ${label} | ${m.ms.toFixed(0)} | ${ratio.toFixed(2)} | ${m.rssMb.toFixed(1)} | ${verdict} |\n`);
    }
  }
} finally {
  await bank.close();
  rmSync(work, { recursive: true, force: true });
}
