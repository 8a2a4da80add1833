/**
 * The short fuzz run of `npm test` (the long one is `npm run fuzz`): a fixed seed, a few thousand mutated files
 * (our fixtures and, when it is beside the project, the real corpus), each cut at 64 KiB so the run stays well
 * under a minute on a loaded machine. Every case must end in a statement JSON that keeps its contract or in an
 * OfxParseError with a short one-line message (fuzz/check.ts), and none may run past the watchdog.
 */
import { describe, expect, it } from 'vitest';
import { reproduceCommand, runFuzz } from '../../fuzz/runner.ts';
import { loadSeeds } from '../../fuzz/seeds.ts';

const SEED = 20261201;
const CASES = 3_000;
const MAX_BYTES = 64 * 1024;

describe('fuzzing parseOfx (short run)', () => {
  it(`${CASES} mutated files, seed ${SEED}: each a result or an OfxParseError`, async () => {
    const seeds = loadSeeds();
    const summary = await runFuzz({ seed: SEED, cases: CASES, corpus: seeds.corpus, maxBytes: MAX_BYTES, caseTimeoutMs: 10_000 });
    const failures = summary.failures.map((f) => `case ${f.index}: ${f.problem} (reproduce: ${reproduceCommand(SEED, f.index, MAX_BYTES)})`);
    expect(failures).toEqual([]);
    expect(summary.cases).toBe(CASES);
    // Both kinds of ending occur: the mutations neither all break the files nor all leave them readable.
    expect(summary.results).toBeGreaterThan(CASES / 10);
    expect(summary.refused).toBeGreaterThan(CASES / 10);
  }, 120_000);
});
