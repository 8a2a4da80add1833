/**
 * `ofx-mfa sim bank [--port N] [--ofx-version 103|211] [--json]`: runs the simulated bank until SIGINT/SIGTERM and
 * prints where it is and how to sign on (its test credentials are made up; they are meant to be shown).
 * With --json, stdout is the one line of DESIGN 4.1 for scripts; one line per request goes to stderr, never
 * with a secret in it.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { standardPhraseLabel } from '../../../core/ofx/phrases.ts';
import type { SimBankInfo, SimBankVersion, SimUser } from '../../../sim/bank/index.ts';

const DEFAULT_PORT = 8642;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return port;
}

function humanInfo(info: SimBankInfo, version: SimBankVersion, users: readonly SimUser[]): string {
  const others = users.filter((u) => u.userId !== info.user).map((u) => u.userId);
  const questions = users.find((u) => u.userId === info.user)?.scenario.questions ?? [];
  const label = (id: string): string => questions.find((q) => q.id === id)?.label ?? standardPhraseLabel(id) ?? id;
  const accountFlag = (a: SimBankInfo['accounts'][number]): string =>
    `--account ${a.type}:${a.accountId}${a.bankId ? `:${a.bankId}` : ''}`;
  return [
    `SimBank (simulated OFX bank) at ${info.url}, answering OFX ${version === '103' ? '1.0.3 SGML' : '2.1.1 XML'}`,
    `  ORG ${info.org}, FID ${info.fid}`,
    `  user ${info.user}, password ${info.password}`,
    `  challenge answers:`,
    ...Object.entries(info.answers).map(([id, answer]) => `    ${id} (${label(id)}): ${answer}`),
    `  accounts: ${info.accounts.map((a) => `${a.type} ${a.accountId}`).join(', ')}`,
    `  other users (password: <user>-password): ${others.join(', ')}`,
    '',
    `Try: ofx-mfa bank add demo --url ${info.url} --org ${info.org} --fid ${info.fid} --user ${info.user} --ofx-version ${version}`,
    `     (optional: ${info.accounts.map(accountFlag).join(' ')})`,
    'Press Ctrl+C to stop.',
  ].join('\n');
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  const sim = program.command('sim').description('simulated services for demos and tests');
  sim
    .command('bank')
    .description('run the simulated OFX bank (with multi-factor challenges) until stopped')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--ofx-version <version>', 'OFX version of the answers').choices(['103', '211']).default('103'))
    .option('--json', 'print one JSON line with the URL and test credentials')
    .action(async (opts: { port: number; host: string; ofxVersion: SimBankVersion; json?: boolean }) => {
      // The simulated bank is loaded only by the commands that run it.
      const { defaultUsers, formatLogLine, startSimBank } = await import('../../../sim/bank/index.ts');
      const bank = await startSimBank({
        port: opts.port,
        host: opts.host,
        version: opts.ofxVersion,
        onRequest: (entry) => process.stderr.write(`${formatLogLine(entry)}\n`),
      });
      const info = bank.info();
      process.stdout.write(opts.json ? `${JSON.stringify(info)}\n` : `${humanInfo(info, opts.ofxVersion, defaultUsers())}\n`);
      await untilStopped();
      await bank.close();
    });
}
