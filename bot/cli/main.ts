/**
 * The `ofx-mfa` command line. Each command lives in commands/<name>.ts and registers itself; this file wires
 * them up and is the single place where errors become one line on stderr and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors.ts';
import * as parse from './commands/parse.ts';
import * as corpus from './commands/corpus.ts';
import * as sim from './commands/sim.ts';
import * as bank from './commands/bank.ts';
import * as sync from './commands/sync.ts';
import * as transactions from './commands/transactions.ts';
import * as request from './commands/request.ts';
import * as demo from './commands/demo.ts';
import * as backup from './commands/backup.ts';

const program = new Command('ofx-mfa')
  .description('OFX bank sync with multi-factor challenges')
  .option('--db <path>', 'SQLite database file (default: $OFX_MFA_DB or ./data/ofx-mfa.sqlite)')
  .showHelpAfterError()
  .exitOverride();

for (const command of [bank, sync, transactions, request, parse, corpus, sim, demo]) command.register(program);
backup.register(program);

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.usage;
  return EXIT.failure;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = exitCodeOf(error);
  // Commander has already printed its own usage messages.
  if (!(error instanceof CommanderError)) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  }
  process.exitCode = code;
}
