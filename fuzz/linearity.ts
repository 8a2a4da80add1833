/**
 * Times one linearity shape (shapes.ts) at n and 10n units, in the child process (child.ts), so that the
 * verdict holds on any machine, idle or shared:
 * - CPU time of the process (user + system), not wall time: on a loaded machine the big input is preempted
 *   far more than a small one that fits in a time slice, and that alone made ratios of 20x to 60x out of
 *   about 10x of work; the minimum of wall times cannot undo it, since every big run is preempted. The
 *   process runs --single-threaded, so that this is the parse's own work, its garbage collection included,
 *   and not a background sweeper's or compiler's that happened to run at the time;
 * - the small size grows from the shape's units (doubling) until it takes at least MIN_SMALL_MS, so the
 *   ratio is never one of timer and scheduling noise on a fast machine;
 * - a full collection (--expose-gc) before every timing, so no run pays for garbage left by the one before;
 * - the minimum over ROUNDS rounds at each size, the sizes taking turns: the minimum is the estimate of what
 *   the code costs, everything above it is interference.
 */
import { checkInput } from './check.ts';
import type { Shape } from './shapes.ts';

/** The small input is grown until its best time is at least this (CPU time). */
export const MIN_SMALL_MS = 4;
/** Never grow the small input beyond this many times the shape's units (nor the big one past MAX_BIG_CHARS). */
const MAX_GROWTH = 64;
/**
 * Far past any bank file (and the fuzzer's 4 MiB cases), turning the bytes into a string stops being linear on
 * its own: a shape refused after a few hundred bytes took 0.7 ms at 3.8 MB and 142 ms at 38 MB, all of it
 * Node's decoding, none of it the parser's.
 */
const MAX_BIG_CHARS = 16 * 1024 * 1024;
export const ROUNDS = 7;
const WARM_UP_RUNS = 10;
const WARM_UP_MS = 200;

export interface ShapeTiming {
  n: number;
  smallBytes: number;
  bigBytes: number;
  /** Minimum CPU time over the rounds, milliseconds. */
  smallMs: number;
  bigMs: number;
  /** Minimum wall time over the same rounds, for comparison. */
  smallWallMs: number;
  bigWallMs: number;
}

const collect: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** One parse of `input`: [CPU ms, wall ms]. */
function timeOnce(input: Buffer): [number, number] {
  collect();
  const cpu = cpuMs();
  const wall = performance.now();
  checkInput(input);
  return [cpuMs() - cpu, performance.now() - wall];
}

function best(input: Buffer, runs: number): [number, number] {
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < runs; i++) {
    const [c, w] = timeOnce(input);
    cpu = Math.min(cpu, c);
    wall = Math.min(wall, w);
  }
  return [cpu, wall];
}

/**
 * Runs the parser on `input` until it has run WARM_UP_RUNS times and for WARM_UP_MS: until V8 has optimized
 * what this shape exercises, a small input times slower than it will later, and would not be grown enough.
 */
function warmUp(input: Buffer): void {
  const start = cpuMs();
  for (let runs = 0; runs < WARM_UP_RUNS || cpuMs() - start < WARM_UP_MS; runs++) checkInput(input);
}

const build = (shape: Shape, n: number): Buffer => Buffer.from(shape.build(n), 'latin1');

export function timeShape(shape: Shape): ShapeTiming {
  let n = shape.units;
  let small = build(shape, n);
  warmUp(small);
  while (best(small, 5)[0] < MIN_SMALL_MS && n < shape.units * MAX_GROWTH && small.length * 20 <= MAX_BIG_CHARS) {
    n *= 2;
    small = build(shape, n);
  }
  const big = build(shape, n * 10);
  timeOnce(big);
  const t: ShapeTiming = { n, smallBytes: small.length, bigBytes: big.length, smallMs: Infinity, bigMs: Infinity, smallWallMs: Infinity, bigWallMs: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    const [sc, sw] = best(small, 2);
    const [bc, bw] = timeOnce(big);
    t.smallMs = Math.min(t.smallMs, sc);
    t.smallWallMs = Math.min(t.smallWallMs, sw);
    t.bigMs = Math.min(t.bigMs, bc);
    t.bigWallMs = Math.min(t.bigWallMs, bw);
  }
  return t;
}
