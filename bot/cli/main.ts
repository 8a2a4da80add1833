/**
 * The `ofx-mfa` command line. Each command lives in commands/<name>.ts and registers itself; this file wires
 * them up and is the single place where errors become one line on stderr and an exit code.
 *
 * Start-up time is most of what a command costs (issue 7), so only the module of the command being run is
 * loaded: `bank list` never loads the HTTP client, the simulated bank or the Discord client. Top-level help and
 * unknown commands get light stand-ins built from COMMANDS, without loading any command module.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { ValidationError } from '../validate.ts';
import { CliError, EXIT } from './errors.ts';

interface CommandModule {
  register(program: Command): void;
}

interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
  /** Default 'short-lived'; see V8_FLAGS. */
  kind?: Exclude<CommandKind, 'short-lived'>;
}

/** Every top-level command: its name, the one line `ofx-mfa --help` shows, and how to load it. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'bank', summary: 'manage your bank connections', load: () => import('./commands/bank.ts') },
  { name: 'banks', summary: 'search the bank directory (556 OFX servers): nickname, name, OFX version, server', load: () => import('./commands/banks.ts') },
  { name: 'sync', summary: 'sync one bank connection, answering its security challenge if it asks', load: () => import('./commands/sync.ts') },
  { name: 'transactions', summary: "print a connection's stored transactions", load: () => import('./commands/transactions.ts') },
  { name: 'request', summary: 'print the OFX request a sync would send, with the password and keys masked', load: () => import('./commands/request.ts') },
  { name: 'parse', summary: 'print the statements of an OFX file as JSON (- reads stdin)', load: () => import('./commands/parse.ts') },
  { name: 'corpus', summary: 'parse every .ofx/.qfx file under DIR and report; files under a *fail* folder must fail', load: () => import('./commands/corpus.ts') },
  { name: 'sim', summary: 'simulated services for demos and tests', load: () => import('./commands/sim.ts'), kind: 'simulator' },
  { name: 'bot', summary: 'run the Discord bot (DISCORD_TOKEN; optional DISCORD_APP_ID, DISCORD_GUILD_ID, DISCORD_API_BASE)', load: () => import('./commands/bot.ts'), kind: 'bot' },
  { name: 'backup', summary: 'write a consistent copy of the live database (safe while the bot runs; the key file is needed to read it)', load: () => import('./commands/backup.ts') },
  { name: 'demo', summary: 'run the offline demo: simulated bank + Discord stand-in + the real bot, one member played for you', load: () => import('./commands/demo.ts'), kind: 'bot' },
];

/** The command word of argv (after node and the script): the first argument that is not a global option. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--db') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** How a command runs, for the V8 flags it gets (V8_FLAGS). */
type CommandKind = 'short-lived' | 'bot' | 'simulator';

/**
 * V8 flags per kind of command, set at its start, before any WebAssembly is compiled (undici compiles llhttp at
 * its first connection) and before the heap has grown.
 * - `--semi-space-growth-factor=1`: the young generation keeps its first size instead of growing to 16 MB
 *   semi-spaces that, once touched, stay resident. A keyed sync peaks 4-5 MB lower (70.6 -> 65.9 MB); parsing a
 *   100k-transaction file (14 MB SGML, 16 MB XML) took no longer and peaked ~20 MB lower; the bot held ~110 MB
 *   after 1,000 interactions instead of ~138 MB, with its acknowledgements as quick (`npm run bench -- bot-load`).
 * - `--liftoff-only`, short-lived commands only: WebAssembly stays in V8's baseline compiler. undici parses HTTP
 *   with llhttp compiled to WebAssembly, and after the first few kilobytes of an answer V8 starts re-compiling
 *   llhttp's one huge function with its optimising compiler on background threads; a process then waits for that
 *   job before it exits: ~35 MB of peak memory and ~0.3 s for one sync (issue 7), to speed up a parser that has
 *   already finished. A process that lives on (the bot) keeps the optimised code, so it keeps the default.
 * - The simulators keep V8's defaults: they are the load other benchmarks measure against.
 */
export const V8_FLAGS: Record<CommandKind, string> = {
  'short-lived': '--liftoff-only --semi-space-growth-factor=1',
  bot: '--semi-space-growth-factor=1',
  simulator: '',
};

export function createProgram(): Command {
  return new Command('ofx-mfa')
    .description('OFX bank sync with multi-factor challenges')
    .option('--db <path>', 'SQLite database file (default: $OFX_MFA_DB, else ofx-mfa.sqlite in $XDG_DATA_HOME/ofx-mfa or ~/.local/share/ofx-mfa)')
    .showHelpAfterError()
    .exitOverride();
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ValidationError) return EXIT.usage;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.usage;
  return EXIT.failure;
}

/** Runs one command line; bin/ofx-mfa.js calls it with process.argv. */
export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  const args = argv.slice(2);
  let word = commandWord(args);
  // `ofx-mfa help bank` is `ofx-mfa bank --help`: the named command's own module has its subcommands.
  if (word === 'help') word = commandWord(args.slice(args.indexOf('help') + 1));
  const entry = COMMANDS.find((c) => c.name === word);
  const flags = V8_FLAGS[entry?.kind ?? 'short-lived'];
  if (flags) setFlagsFromString(flags);
  if (entry) (await entry.load()).register(program);
  else for (const c of COMMANDS) program.command(c.name).description(c.summary);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = exitCodeOf(error);
    // Commander has already printed its own usage messages.
    if (!(error instanceof CommanderError)) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    }
    process.exitCode = code;
  }
}
