/** `ofx-mfa parse FILE` (`-` = stdin): prints the statement JSON of DESIGN 4.2. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OfxParseError } from '../../../core/errors.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { toStatementJson } from '../../../core/ofx/statement-json.ts';
import { CliError, EXIT } from '../errors.ts';
import { readStdin } from '../stdin.ts';

/** The bytes of FILE, or a one-line CliError naming the file and the reason (ENOENT, EISDIR, ...). */
export async function readInput(file: string): Promise<Uint8Array> {
  try {
    return file === '-' ? await readStdin() : await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read failed');
    throw new CliError(`cannot read ${file}: ${reason}`, EXIT.failure);
  }
}

const MASK = '********';

export function register(program: Command): void {
  program
    .command('parse')
    .description('print the statements of an OFX file as JSON (- reads stdin)')
    .argument('<file>', 'OFX or QFX file, or - for stdin')
    .action(async (file: string) => {
      const bytes = await readInput(file);
      let json;
      try {
        json = toStatementJson(parseOfx(bytes));
      } catch (error) {
        if (error instanceof OfxParseError) throw new CliError(`${file}: ${error.message}`, EXIT.failure);
        throw error;
      }
      // No command prints an access key (DESIGN 4.1): the JSON says one is there, not what it is.
      if (json.signon?.accessKey) json.signon.accessKey = MASK;
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    });
}
