/** `ofx-mfa transactions NAME [--since DATE] [--format table|csv|json]`: what is stored. */
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { getConnection, listTransactions, type StoredTransaction } from '../../../db/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { withSession } from '../session.ts';
import { checkDate } from '../../validate.ts';
import { withServiceErrors } from '../service-errors.ts';

const COLUMNS = ['accountId', 'fitid', 'posted', 'amount', 'type', 'name', 'memo'] as const;

function table(rows: StoredTransaction[]): string {
  if (rows.length === 0) return 'no transactions stored\n';
  const lines = rows.map((r) => [r.posted.slice(0, 10), r.accountId, r.amount.padStart(12), r.type.padEnd(8), r.name ?? '', r.memo ?? '']);
  return `${lines.map((l) => l.join('  ').trimEnd()).join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('transactions')
    .description("print a connection's stored transactions")
    .argument('<name>')
    .option('--since <date>', 'only transactions posted on or after this date')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (name: string, options: { since?: string; format: string }, command: Command) => {
      if (!['table', 'csv', 'json'].includes(options.format)) {
        throw new CliError(`--format ${options.format}: expected table, csv or json`, EXIT.usage);
      }
      const since = options.since ? await withServiceErrors(() => checkDate('--since', options.since)) : undefined;
      const rows = await withSession(command, async ({ db, member }) => {
        const connection = getConnection(db, member.id, name);
        if (!connection) throw new CliError(`no bank connection named "${name}" (see: ofx-mfa bank list)`, EXIT.usage);
        return listTransactions(db, connection.id, since ? { since } : {});
      });
      if (options.format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (options.format === 'csv') process.stdout.write(stringify(rows, { header: true, columns: [...COLUMNS] }));
      else process.stdout.write(table(rows));
    });
}
