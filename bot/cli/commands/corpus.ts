/**
 * `ofx-mfa corpus DIR`: parses every *.ofx / *.qfx under DIR (sorted) and prints one line per file and a
 * summary. Files under a directory whose name contains "fail" (e.g. fail_nice/) are expected to be refused;
 * the exit code is 1 when any other file fails or an expected failure parses.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Command } from 'commander';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { CliError, EXIT } from '../errors.ts';

export interface CorpusResult {
  path: string;
  expectFailure: boolean;
  ok: boolean;
  statements: number;
  transactions: number;
  error: string | null;
}

/** Relative paths of the OFX files under `dir`, sorted. */
export async function corpusFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot read directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'read failed'}`, EXIT.failure);
  }
  return entries.filter((f) => /\.(ofx|qfx)$/i.test(f)).sort();
}

export function expectsFailure(relativePath: string): boolean {
  return relativePath.split(sep).slice(0, -1).some((segment) => /fail/i.test(segment));
}

export async function checkFile(dir: string, path: string): Promise<CorpusResult> {
  const expectFailure = expectsFailure(path);
  try {
    const parsed = parseOfx(await readFile(join(dir, path)));
    const transactions = parsed.statements.reduce((n, s) => n + s.transactions.length, 0);
    return { path, expectFailure, ok: true, statements: parsed.statements.length, transactions, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    return { path, expectFailure, ok: false, statements: 0, transactions: 0, error: message };
  }
}

function line(r: CorpusResult): string {
  const path = r.path.split(sep).join('/');
  if (r.ok) {
    const counts = `statements=${r.statements} transactions=${r.transactions}`;
    return `ok   ${path}  ${counts}${r.expectFailure ? '  (UNEXPECTED: expected to fail)' : ''}`;
  }
  return `fail ${path}  ${r.error}${r.expectFailure ? '  (expected)' : ''}`;
}

export function register(program: Command): void {
  program
    .command('corpus')
    .description('parse every .ofx/.qfx file under DIR and report; files under a *fail* folder must fail')
    .argument('<dir>', 'directory of OFX files')
    .action(async (dir: string) => {
      const files = await corpusFiles(dir);
      let ok = 0;
      let expectedFail = 0;
      let unexpected = 0;
      for (const file of files) {
        const result = await checkFile(dir, file);
        process.stdout.write(`${line(result)}\n`);
        if (result.ok && !result.expectFailure) ok++;
        else if (!result.ok && result.expectFailure) expectedFail++;
        else unexpected++;
      }
      // The last line is the plain `N passed, N failed` that CI reads; a file behaving as expected passes.
      process.stdout.write(
        `corpus: ${ok} ok, ${expectedFail} expected-fail, ${unexpected} unexpected, ${files.length} files\n` +
          `corpus: ${ok + expectedFail} passed, ${unexpected} failed\n`,
      );
      if (files.length === 0) throw new CliError(`no .ofx or .qfx files under ${dir}`, EXIT.failure);
      if (unexpected > 0) throw new CliError(`corpus: ${unexpected} file(s) did not behave as expected`, EXIT.failure);
    });
}
