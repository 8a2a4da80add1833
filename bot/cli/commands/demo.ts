/**
 * `ofx-mfa demo`: the offline demo. A simulated bank runs in this process, a connection to it is stored in a demo
 * database, and two syncs show the product's point: the first is challenged and answered, the second uses the
 * access key and asks nobody anything. On a terminal you answer; otherwise a scripted member does.
 */
import type { Command } from 'commander';
import { createConnection, getConnection, listTransactions, removeConnection } from '../../../db/index.ts';
import { startSimBank, type SimBankInfo } from '../../../sim/bank/index.ts';
import { syncConnection } from '../../sync-service.ts';
import { PresetChallenger, TerminalChallenger } from '../challengers.ts';
import { CliError, EXIT } from '../errors.ts';
import { withSession, type CliSession } from '../session.ts';
import { describeReport, STAGE_TEXT } from './sync.ts';

const DEMO_DB = './data/demo.sqlite';
const CONNECTION = 'simbank';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the offline demo: a simulated bank with a security challenge, synced twice')
    .action(async (_options: unknown, command: Command) => {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const bank = await startSimBank({ port: 0 });
      try {
        // Not $OFX_MFA_DB: the demo must not add its simulated connection to a real database unless asked with --db.
        await withSession(command, (app) => runDemo(app, bank.info(), out), DEMO_DB);
      } finally {
        await bank.close();
      }
    });
}

async function runDemo(app: CliSession, info: SimBankInfo, out: (line: string) => void): Promise<void> {
  const { member } = app;
  out(`ofx-mfa offline demo (no DISCORD_TOKEN set): simulated bank at ${info.url}, database ${app.dbPath}`);

  // A fresh connection each run: the simulated bank forgets its keys when it stops.
  removeConnection(app.db, member.id, CONNECTION);
  createConnection(app.db, app.box, {
    memberId: member.id,
    name: CONNECTION,
    url: info.url,
    org: info.org,
    fid: info.fid,
    version: '103',
    userId: info.user,
    password: info.password,
  });
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    const hints = Object.entries(info.answers).map(([id, answer]) => `${id}: ${answer}`).join(', ');
    out(`The bank will ask security questions. The simulated bank's answers are: ${hints}`);
  } else {
    out('No terminal: a scripted member answers the security questions.');
  }
  const challenger = interactive
    ? new TerminalChallenger()
    : new PresetChallenger(async () => new Map(Object.entries(info.answers)), 'the scripted member');

  for (const round of ['first sync (the bank challenges)', 'second sync (the stored access key signs on)']) {
    out(`\n== ${round}`);
    const report = await syncConnection(app, {
      memberId: member.id,
      name: CONNECTION,
      trigger: 'demo',
      // On a terminal the person answers; the scripted member stands for nobody present.
      attended: interactive,
      challenger,
      progress: { update: (stage, detail) => out(`  … ${STAGE_TEXT[stage]}${detail ? ` (${detail})` : ''}`) },
    });
    process.stdout.write(describeReport(report));
    if (report.outcome !== 'ok') throw new CliError(`the demo stopped: ${report.status.message ?? report.outcome}`, EXIT.failure);
  }

  const connection = getConnection(app.db, member.id, CONNECTION);
  const recent = connection ? listTransactions(app.db, connection.id).slice(-5) : [];
  out('\nLatest transactions:');
  for (const t of recent) out(`  ${t.posted.slice(0, 10)}  ${t.accountId.padEnd(18)} ${t.amount.padStart(10)}  ${t.name ?? ''}`);
  out('\nNext: `ofx-mfa sim bank` runs this bank on its own; `ofx-mfa bank add` points a connection at it (see README).');
}
