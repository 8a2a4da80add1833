/**
 * Runs fuzz cases in a child process under a watchdog (see child.ts), and the linearity check. Shared by
 * `npm run fuzz` (fuzz/run.ts) and the short run in `npm test` (test/fuzz/parse-fuzz.test.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildRequest } from './child.ts';
import type { ShapeTiming } from './linearity.ts';
import { SHAPES } from './shapes.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** First case index (default 0), to resume or split a run. */
  from?: number;
  corpus: string | null;
  /** Cut every case at this size (default mutations.ts MAX_BYTES, 4 MiB); `--case` replays need the same value. */
  maxBytes?: number;
  /** A case that takes longer than this is stopped and counted as a failure (default 5 s). */
  caseTimeoutMs?: number;
  onProgress?: (done: number, failures: number) => void;
  /** Each failure as it happens, so an interrupted run still shows what it found. */
  onFailure?: (failure: Failure) => void;
}

export interface Failure {
  index: number;
  problem: string;
  seedFile: string | null;
  mutations: string[];
  bytes: number | null;
}

export interface FuzzSummary {
  seed: number;
  cases: number;
  results: number;
  refused: number;
  failures: Failure[];
  elapsedMs: number;
  slowest: { index: number; ms: number; bytes: number } | null;
  bytes: number;
}

/** Starting the child (tsx compiling the sources) or building one case may take this long on a loaded machine. */
const BUILD_TIMEOUT_MS = 60_000;

/** `nodeFlags`: for the linearity timing, --expose-gc (it collects before every run) and --single-threaded. */
function startChild(nodeFlags: string[] = []): ChildProcess {
  return fork(CHILD, [], { execArgv: [...nodeFlags, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Runs cases [from, to) in one child until they are all done or one stalls; resolves with where it stopped. */
function runSpan(
  options: FuzzOptions,
  from: number,
  to: number,
  onCase: (m: Extract<ChildMessage, { kind: 'case' }>) => void,
): Promise<{ stalledAt: number | null; crashed: string | null; phase?: 'building' | 'parsing' }> {
  const timeoutMs = options.caseTimeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const child = startChild();
    let next = from;
    let parsing = false;
    let settled = false;
    let timer: NodeJS.Timeout;
    const finish = (result: { stalledAt: number | null; crashed: string | null; phase?: 'building' | 'parsing' }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(result);
    };
    // The parse of a case gets timeoutMs; starting the child and building a case get BUILD_TIMEOUT_MS.
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ stalledAt: next, crashed: null, phase: parsing ? 'parsing' : 'building' }), ms);
    };
    arm(BUILD_TIMEOUT_MS);
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'parsing') {
        parsing = true;
        arm(timeoutMs);
      } else if (m.kind === 'case') {
        onCase(m);
        next = m.index + 1;
        parsing = false;
        arm(BUILD_TIMEOUT_MS);
      } else if (m.kind === 'cases-done') {
        finish({ stalledAt: null, crashed: null });
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled) finish({ stalledAt: null, crashed: next < to ? `the child process died (${signal ?? `exit ${code}`}) at case ${next}` : null });
    });
    const request: ChildRequest = { kind: 'cases', seed: options.seed, from, to, corpus: options.corpus, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) };
    child.send(request);
  });
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const start = performance.now();
  const from = options.from ?? 0;
  const to = from + options.cases;
  const summary: FuzzSummary = { seed: options.seed, cases: 0, results: 0, refused: 0, failures: [], elapsedMs: 0, slowest: null, bytes: 0 };
  const fail = (f: Failure): void => {
    summary.failures.push(f);
    options.onFailure?.(f);
  };
  const onCase = (m: Extract<ChildMessage, { kind: 'case' }>): void => {
    summary.cases += 1;
    summary.bytes += m.bytes;
    if (m.outcome === 'result') summary.results += 1;
    else if (m.outcome === 'refused') summary.refused += 1;
    else fail({ index: m.index, problem: m.problem ?? 'failure', seedFile: m.seedFile, mutations: m.mutations, bytes: m.bytes });
    if (!summary.slowest || m.ms > summary.slowest.ms) summary.slowest = { index: m.index, ms: m.ms, bytes: m.bytes };
    if (summary.cases % 1000 === 0) options.onProgress?.(summary.cases, summary.failures.length);
  };
  let at = from;
  while (at < to) {
    const { stalledAt, crashed, phase } = await runSpan(options, at, to, onCase);
    if (crashed) {
      // A crash (out of memory, a native fault) is a failure of the case that was running.
      const index = Number(/at case (\d+)/.exec(crashed)?.[1] ?? at);
      summary.cases += 1;
      fail({ index, problem: crashed, seedFile: null, mutations: [], bytes: null });
      at = index + 1;
    } else if (stalledAt !== null) {
      summary.cases += 1;
      const problem =
        phase === 'building'
          ? `building the case took longer than ${BUILD_TIMEOUT_MS} ms (a fuzzer problem, not the parser's; stopped)`
          : `parsing took longer than ${options.caseTimeoutMs ?? 5_000} ms (stopped)`;
      fail({ index: stalledAt, problem, seedFile: null, mutations: [], bytes: null });
      at = stalledAt + 1;
    } else {
      at = to;
    }
  }
  summary.elapsedMs = performance.now() - start;
  return summary;
}

/** The command that replays one case on its own. */
export function reproduceCommand(seed: number, index: number, maxBytes?: number): string {
  return `npm run fuzz -- --seed ${seed} --case ${index}${maxBytes ? ` --max-bytes ${maxBytes}` : ''} --save case-${seed}-${index}.ofx`;
}

export interface LinearityRow {
  shape: string;
  /** Units at the small size (the shape's units, or more when that was too quick to time; see linearity.ts). */
  n: number;
  smallBytes: number;
  bigBytes: number | null;
  /** Best CPU time at each size; bigMs null when the big one was stopped. */
  smallMs: number;
  bigMs: number | null;
  /** Best wall time at each size, printed beside the CPU time (the verdict is on CPU time). */
  smallWallMs: number | null;
  bigWallMs: number | null;
  /** big / small CPU time; null when the shape's process was stopped (something quadratic) or died. */
  ratio: number | null;
  ok: boolean;
}

/** Under this factor for 10x the input counts as linear (the issue's bound). */
export const LINEAR_RATIO = 15;

/** Under this, a time is mostly timer and scheduling noise; ratios use at least this much for the small size. */
export const NOISE_FLOOR_MS = 1;

function timeShapeInChild(shape: string, timeoutMs: number): Promise<ShapeTiming | null> {
  return new Promise((resolve) => {
    const child = startChild(['--expose-gc', '--single-threaded']);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, timeoutMs);
    child.on('message', (m: ChildMessage) => {
      if (m.kind !== 'time') return;
      clearTimeout(timer);
      resolve(m.timing);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
    const request: ChildRequest = { kind: 'time', shape };
    child.send(request);
  });
}

/**
 * Each shape at n and 10n units, in a fresh process (see linearity.ts for how it is timed). A shape whose
 * process does not answer within SHAPE_DEADLINE_MS (something quadratic on the big size) fails.
 */
export async function measureLinearity(onRow?: (row: LinearityRow) => void): Promise<LinearityRow[]> {
  const SHAPE_DEADLINE_MS = 180_000;
  const rows: LinearityRow[] = [];
  for (const shape of SHAPES) {
    const t = await timeShapeInChild(shape.name, SHAPE_DEADLINE_MS);
    const ratio = t ? t.bigMs / Math.max(t.smallMs, NOISE_FLOOR_MS) : null;
    const row: LinearityRow = {
      shape: shape.name,
      n: t?.n ?? shape.units,
      smallBytes: t?.smallBytes ?? 0,
      bigBytes: t?.bigBytes ?? null,
      smallMs: t?.smallMs ?? Infinity,
      bigMs: t?.bigMs ?? null,
      smallWallMs: t?.smallWallMs ?? null,
      bigWallMs: t?.bigWallMs ?? null,
      ratio,
      ok: ratio !== null && ratio < LINEAR_RATIO,
    };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}
