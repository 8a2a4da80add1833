/** Sync reports and account lines in the words a member reads on Discord. */
import type { SyncReport } from '../sync-service.ts';

export function accountLabel(a: { kind: string; accountType: string | null }): string {
  if (a.kind === 'creditcard') return 'Credit card';
  if (a.kind === 'investment') return 'Investment';
  const t = a.accountType ?? 'Bank';
  return t.charAt(0) + t.slice(1).toLowerCase();
}

/** The last four characters of an account number: enough to tell accounts apart in a reply. */
export function maskAccount(accountId: string): string {
  return accountId.length <= 4 ? accountId : `…${accountId.slice(-4)}`;
}

export function money(amount: string | null, currency: string | null): string {
  if (amount === null) return 'no balance';
  return `${amount}${currency ? ` ${currency}` : ''}`;
}

export function newTransactionsTotal(report: SyncReport): number {
  return report.accounts.reduce((n, a) => n + a.newTransactions, 0);
}

/** The final lines for one connection: per account "12 new" and the ledger balance (DESIGN 4.4). */
export function reportLines(report: SyncReport): string[] {
  const warnings = report.warnings.map((w) => `⚠️ ${w}`);
  if (report.outcome !== 'ok') return [`**${report.connection}**: ${report.status.message ?? report.outcome}`, ...warnings];
  const how = report.challenged
    ? report.accessKeyStored
      ? 'answers accepted, access key saved'
      : 'answers accepted'
    : 'no questions asked';
  const total = newTransactionsTotal(report);
  return [
    `**${report.connection}**: synced, ${total} new transaction${total === 1 ? '' : 's'} (${how})`,
    ...report.accounts.map(
      (a) =>
        `- ${accountLabel(a)} ${maskAccount(a.accountId)}: ${a.newTransactions} new · ${a.ledgerBalance === null ? 'no balance' : `balance ${money(a.ledgerBalance, a.currency)}`}${a.problem ? ` · bank error ${a.problem}` : ''}`,
    ),
    ...warnings,
  ];
}
