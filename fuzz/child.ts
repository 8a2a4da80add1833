/**
 * The fuzzer's worker process. It runs cases (or times one linearity shape) and reports each over IPC, so the
 * parent can stop it when one case runs too long (a hang, or something quadratic on a big input) and go on
 * with the next case in a fresh process, the slow case recorded by its seed and index.
 */
import { buildCase } from './cases.ts';
import { checkInput } from './check.ts';
import { timeShape, type ShapeTiming } from './linearity.ts';
import { loadSeeds } from './seeds.ts';
import { SHAPES } from './shapes.ts';

export type ChildRequest =
  | { kind: 'cases'; seed: number; from: number; to: number; corpus: string | null; maxBytes?: number }
  | { kind: 'time'; shape: string };

export type ChildMessage =
  | { kind: 'case'; index: number; outcome: 'result' | 'refused' | 'failure'; problem?: string; seedFile: string; mutations: string[]; bytes: number; ms: number }
  | { kind: 'parsing'; index: number }
  | { kind: 'cases-done' }
  | { kind: 'time'; timing: ShapeTiming };

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve, reject) => process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())));

async function handle(request: ChildRequest): Promise<void> {
  if (request.kind === 'cases') {
    const seeds = loadSeeds(request.corpus ?? '/nonexistent').files;
    for (let index = request.from; index < request.to; index++) {
      const c = buildCase(seeds, request.seed, index, request.maxBytes);
      // The watchdog times the parse only: building a 4 MB case is the fuzzer's cost, not the parser's.
      await send({ kind: 'parsing', index });
      const start = performance.now();
      const verdict = checkInput(c.bytes);
      const ms = performance.now() - start;
      await send({
        kind: 'case',
        index,
        outcome: verdict.ok ? verdict.outcome : 'failure',
        ...(verdict.ok ? {} : { problem: verdict.problem }),
        seedFile: c.seedFile,
        mutations: c.mutations,
        bytes: c.bytes.length,
        ms,
      });
    }
    await send({ kind: 'cases-done' });
    return;
  }
  const shape = SHAPES.find((s) => s.name === request.shape);
  if (!shape) throw new Error(`unknown shape ${request.shape}`);
  await send({ kind: 'time', timing: timeShape(shape) });
}

process.on('message', (request: ChildRequest) => {
  handle(request).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`fuzz child: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
});
