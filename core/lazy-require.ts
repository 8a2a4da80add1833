/**
 * A package loaded at its first use, through require: for libraries only some inputs need (the XML library for
 * 2.x, iconv-lite's charset tables for text beyond ASCII), which a short command would otherwise load at start-up
 * for nothing (issue 7). Synchronous, so the functions that need them stay synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that loads `id` once, at its first call. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
