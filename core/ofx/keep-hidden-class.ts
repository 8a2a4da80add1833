/**
 * V8 reaches the hidden class ("map") of a class's instances only through the instances themselves; optimized
 * code holds it weakly. Between two documents every instance of the parser's classes is garbage, so a full GC
 * would drop their hidden classes and deoptimize every function optimized for them: a long-running process
 * (the simulated bank, a sync service, the benchmark) would start each next parse in unoptimized code.
 * Keeping one instance of each class alive for good keeps its hidden class, and the optimized code, alive.
 * (Object literals do not need this: their hidden class is held by the literal's boilerplate.)
 */
const kept: object[] = [];

export function keepHiddenClass<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
