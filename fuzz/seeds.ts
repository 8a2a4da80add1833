/**
 * What the fuzzer mutates: our own fixtures (test/fixtures/ofx) and the real bank files of the shared corpus
 * (../shared/ofx-corpus beside the project, or --corpus / $OFX_CORPUS), when it is there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedFile } from './mutations.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES_DIR = join(REPO_ROOT, 'test/fixtures/ofx');
export const DEFAULT_CORPUS_DIR = resolve(REPO_ROOT, '../shared/ofx-corpus');

function ofxFilesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(ofx|qfx|html)$/i.test(f) && statSync(join(dir, f)).isFile())
    .sort();
}

export interface Seeds {
  files: SeedFile[];
  /** The corpus folder used, or null when it was not found (then only our fixtures are mutated). */
  corpus: string | null;
}

export function loadSeeds(corpusDir: string = process.env.OFX_CORPUS || DEFAULT_CORPUS_DIR): Seeds {
  const files: SeedFile[] = ofxFilesUnder(FIXTURES_DIR).map((f) => ({
    name: `fixtures/${f}`,
    bytes: readFileSync(join(FIXTURES_DIR, f)),
  }));
  const corpus = existsSync(corpusDir) ? corpusDir : null;
  if (corpus) {
    for (const f of ofxFilesUnder(corpus)) files.push({ name: `corpus/${relative(corpus, join(corpus, f))}`, bytes: readFileSync(join(corpus, f)) });
  }
  return { files, corpus };
}
