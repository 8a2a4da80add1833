/** One fuzz case, built and judged the same way wherever it runs (the child process, `--case`, a test). */
import { checkInput, type Verdict } from './check.ts';
import { makeCase, type FuzzCase, type SeedFile } from './mutations.ts';
import { Random } from './random.ts';

export function buildCase(seeds: readonly SeedFile[], seed: number, index: number, maxBytes?: number): FuzzCase {
  return makeCase(seeds, new Random(seed, index), index, maxBytes);
}

export interface CaseResult {
  case: FuzzCase;
  verdict: Verdict;
  ms: number;
}

export function runCase(seeds: readonly SeedFile[], seed: number, index: number, maxBytes?: number): CaseResult {
  const built = buildCase(seeds, seed, index, maxBytes);
  const start = performance.now();
  const verdict = checkInput(built.bytes);
  return { case: built, verdict, ms: performance.now() - start };
}
