/** `ofx-mfa sync NAME [--answers FILE] [--since DATE] [--json]`: one sync, with exit codes of DESIGN 4.1. */
import type { Command } from 'commander';
import type { Challenger, Progress, SyncStage } from '../../../core/sync/types.ts';
import { ConnectionNotFoundError, syncConnection, type SyncReport } from '../../sync-service.ts';
import type { Hold } from '../../../db/index.ts';
import { AnswersFileError, presetAnswersChallenger, readAnswersFile, TerminalChallenger, UnattendedChallenger } from '../challengers.ts';
import { CliError, EXIT } from '../errors.ts';
import { withSession } from '../session.ts';

const EXIT_BY_OUTCOME: Record<SyncReport['outcome'], number> = {
  ok: EXIT.ok,
  'answers-needed': EXIT.answersNeeded,
  'challenge-cancelled': EXIT.answersNeeded,
  'challenge-expired': EXIT.answersNeeded,
  'answers-rejected': EXIT.answersRejected,
  'signon-refused': EXIT.signonRefused,
  error: EXIT.failure,
  'already-running': EXIT.failure,
  // Replaced by the exit of what caused the hold (exitOf): 4 after rejected answers, 5 after refused credentials.
  held: EXIT.answersRejected,
};

export function exitOf(report: SyncReport): number {
  if (report.outcome === 'held' && report.hold?.reason === 'credentials-refused') return EXIT.signonRefused;
  return EXIT_BY_OUTCOME[report.outcome];
}

export const STAGE_TEXT: Record<SyncStage, string> = {
  profile: 'reading the bank profile',
  'signing-on': 'signing on',
  'challenge-requested': 'the bank asks for a security challenge',
  'waiting-for-answers': 'waiting for your answers',
  'sending-answers': 'sending the answers',
  'discovering-accounts': 'discovering accounts',
  downloading: 'downloading statements',
  done: 'done',
};

export function parseSince(value: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new CliError(`--since ${value}: expected a date such as 2026-01-31`, EXIT.usage);
  return date;
}

/** Who answers, and whether that is a person here now (a terminal) or not (an answers file, nobody). */
async function chooseChallenger(answersFile: string | undefined): Promise<{ challenger: Challenger; attended: boolean }> {
  if (answersFile) {
    // Read (and its permissions checked) before the sync starts: a bad file must not cost a sign-on.
    try {
      return { challenger: presetAnswersChallenger(await readAnswersFile(answersFile)), attended: false };
    } catch (error) {
      if (error instanceof AnswersFileError) throw new CliError(error.message, EXIT.usage);
      throw error;
    }
  }
  if (process.stdin.isTTY) return { challenger: new TerminalChallenger(), attended: true };
  return { challenger: new UnattendedChallenger(), attended: false };
}

function stderrProgress(): Progress {
  return {
    update: (stage, detail) => {
      process.stderr.write(`… ${STAGE_TEXT[stage]}${detail ? ` (${detail})` : ''}\n`);
    },
  };
}

/** The command line's own "how" for a hold, one line: the service's words name no command. */
export function describeHeld(name: string, hold: Hold): string {
  const what = hold.reason === 'answers-rejected' ? `the bank rejected the answers (${hold.code})` : `the bank refused the sign-on (${hold.code})`;
  return (
    `${name}: held since ${hold.since}: ${what}; nothing was sent. ` +
    `To go on, run \`ofx-mfa sync ${name}\` on a terminal and answer, or \`ofx-mfa bank clear-hold ${name}\`` +
    (hold.reason === 'credentials-refused' ? ` once the stored password is right (\`ofx-mfa bank set ${name} --password\`)` : '')
  );
}

/** The --json contract of DESIGN 4.1. */
export function reportJson(report: SyncReport) {
  return {
    connection: report.connection,
    challenged: report.challenged,
    accessKeyStored: report.accessKeyStored,
    accounts: report.accounts.map((a) => ({
      accountId: a.accountId,
      newTransactions: a.newTransactions,
      ledgerBalance: a.ledgerBalance,
    })),
    status: report.status,
  };
}

function accountLabel(a: SyncReport['accounts'][number]): string {
  if (a.kind === 'creditcard') return 'CREDIT CARD';
  if (a.kind === 'investment') return 'INVESTMENT';
  return a.accountType ?? 'BANK';
}

export function describeReport(report: SyncReport): string {
  if (report.outcome === 'held' && report.hold) return `${describeHeld(report.connection, report.hold)}\n`;
  if (report.outcome !== 'ok') return `${report.connection}: ${report.status.message ?? report.outcome}\n`;
  const lines: string[] = [];
  const how = report.challenged
    ? `challenge answered${report.accessKeyStored ? '; new access key stored' : ''}`
    : report.keyReceivedAt
      ? `no challenge (access key from ${report.keyReceivedAt})`
      : 'no challenge';
  const total = report.accounts.reduce((n, a) => n + a.newTransactions, 0);
  lines.push(`${report.connection}: synced, ${total} new transaction${total === 1 ? '' : 's'}; ${how}`);
  for (const a of report.accounts) {
    const currency = a.currency ? ` ${a.currency}` : '';
    const balance =
      a.ledgerBalance !== null
        ? `balance ${a.ledgerBalance}${currency}`
        : a.availableBalance !== null
          ? `available ${a.availableBalance}${currency}`
          : 'no balance';
    const problem = a.problem ? `  (bank error: ${a.problem})` : '';
    lines.push(`  ${accountLabel(a).padEnd(11)} ${a.accountId.padEnd(18)} ${`+${a.newTransactions} new`.padEnd(9)} ${balance}${problem}`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('sync')
    .description('sync one bank connection, answering its security challenge if it asks')
    .argument('<name>')
    .option('--answers <file>', 'JSON file of answers {"<MFAPHRASEID>": "<answer>"} for unattended runs')
    .option('--since <date>', 'start of the statement window (default: last sync minus 3 days, or 90 days back)')
    .option('--json', 'print the result as JSON')
    .option('--timeout <seconds>', 'give up on an unresponsive bank after this many seconds', '60')
    .action(async (name: string, options: { answers?: string; since?: string; json?: boolean; timeout: string }, command: Command) => {
      const since = options.since ? parseSince(options.since) : undefined;
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) throw new CliError(`--timeout ${options.timeout}: expected a number of seconds`, EXIT.usage);
      const { challenger, attended } = await chooseChallenger(options.answers);
      const report = await withSession(command, async (session) => {
        try {
          return await syncConnection(
            session,
            {
              memberId: session.member.id,
              name,
              trigger: 'cli',
              attended,
              challenger,
              progress: !options.json && process.stderr.isTTY ? stderrProgress() : undefined,
              since,
              transport: { timeoutMs: timeoutSeconds * 1000 },
            },
          );
        } catch (error) {
          if (error instanceof ConnectionNotFoundError) throw new CliError(`${error.message} (see: ofx-mfa bank list)`, EXIT.usage);
          throw error;
        }
      });
      // Warnings go to stderr in every mode: the --json object keeps to its contract (DESIGN 4.1).
      for (const warning of report.warnings) process.stderr.write(`warning: ${report.connection}: ${warning}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(reportJson(report))}\n`);
      else if (report.outcome === 'ok') process.stdout.write(describeReport(report));
      else process.stderr.write(`error: ${describeReport(report)}`);
      process.exitCode = exitOf(report);
    });
}
