/** Writing what one sync downloaded: accounts, new transactions and balances, all or nothing. */
import { eq, sql } from 'drizzle-orm';
import type { AccountKind, Statement, Transaction } from '../../core/ofx/types.ts';
import type { Database, Executor } from '../connection.ts';
import { accounts, transactions } from '../schema.ts';
import { upsertAccount } from './accounts.ts';

export interface SavedStatement {
  /** ACCTID as the bank knows it. */
  accountId: string;
  kind: AccountKind;
  /** The accounts row. */
  accountRowId: number;
  /** Transactions not stored before (by FITID within the account). */
  newTransactions: number;
  ledgerBalance: string | null;
  availableBalance: string | null;
}

export interface SaveOptions {
  /**
   * The end of the window that was asked for. Each account whose statement arrived is good through it (or through
   * the statement's own DTEND when earlier), so its next window starts there; an account whose statement failed
   * keeps its old date and is asked again from it.
   */
  requestedEnd?: Date;
}

/**
 * Stores the statements of one sync in ONE transaction: a failure anywhere leaves the database as it was, so a
 * retried sync never finds half a statement. Transactions already stored (same account and FITID) are skipped.
 */
export function saveStatements(
  db: Database,
  runId: number | null,
  connectionId: number,
  statements: readonly Statement[],
  options: SaveOptions = {},
): SavedStatement[] {
  return db.orm.transaction(
    (tx) =>
      statements.map((statement) => {
        let account = upsertAccount(tx, connectionId, statement.account, { currency: statement.currency });
        const { ledgerBalance, availableBalance } = statement;
        const goodThrough = goodThroughOf(statement, options.requestedEnd);
        if (ledgerBalance || availableBalance || goodThrough) {
          account =
            tx
              .update(accounts)
              .set({
                ...(ledgerBalance && { ledgerBalance: ledgerBalance.amount, ledgerBalanceAsOf: ledgerBalance.asOf }),
                ...(availableBalance && {
                  availableBalance: availableBalance.amount,
                  availableBalanceAsOf: availableBalance.asOf,
                }),
                ...(goodThrough && { lastGoodAt: goodThrough }),
              })
              .where(eq(accounts.id, account.id))
              .returning()
              .get() ?? account;
        }

        let newTransactions = 0;
        const insert = prepareInsert(tx);
        for (const t of statement.transactions) newTransactions += insert.run(toRow(t, account.id, runId)).changes;

        return {
          accountId: account.accountId,
          kind: account.kind,
          accountRowId: account.id,
          newTransactions,
          ledgerBalance: account.ledgerBalance,
          availableBalance: account.availableBalance,
        };
      }),
    { behavior: 'immediate' },
  );
}

/** The earlier of the window asked for and the statement's DTEND: a bank may answer for less than was asked. */
function goodThroughOf(statement: Statement, requestedEnd: Date | undefined): string | null {
  if (!requestedEnd) return null;
  const end = statement.end ? Date.parse(statement.end) : Number.NaN;
  return new Date(Number.isNaN(end) ? requestedEnd.getTime() : Math.min(end, requestedEnd.getTime())).toISOString();
}

/**
 * One INSERT prepared per statement and run per row. A multi-row INSERT built per batch of 500 made drizzle and
 * SQLite build and parse a 5,500-parameter statement every time, which was most of a 100k-transaction sync.
 */
function prepareInsert(tx: Executor) {
  return tx
    .insert(transactions)
    .values({
      accountId: sql.placeholder('accountId'),
      fitid: sql.placeholder('fitid'),
      posted: sql.placeholder('posted'),
      amount: sql.placeholder('amount'),
      type: sql.placeholder('type'),
      name: sql.placeholder('name'),
      memo: sql.placeholder('memo'),
      checkNumber: sql.placeholder('checkNumber'),
      firstSeenRunId: sql.placeholder('firstSeenRunId'),
    })
    .onConflictDoNothing({ target: [transactions.accountId, transactions.fitid] })
    .prepare();
}

function toRow(t: Transaction, accountRowId: number, runId: number | null) {
  return {
    accountId: accountRowId,
    fitid: t.fitid,
    posted: t.posted,
    amount: t.amount,
    type: t.type,
    name: t.name,
    memo: t.memo,
    checkNumber: t.checkNumber,
    firstSeenRunId: runId,
  };
}
