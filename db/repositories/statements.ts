/** Writing what one sync downloaded: accounts, new transactions and balances, all or nothing. */
import { eq, sql } from 'drizzle-orm';
import type { AccountKind, Statement, Transaction } from '../../core/ofx/types.ts';
import type { Database } from '../connection.ts';
import { param, prepared } from '../prepared.ts';
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
    () =>
      statements.map((statement) => {
        let account = upsertAccount(db, connectionId, statement.account, { currency: statement.currency });
        const { ledgerBalance, availableBalance } = statement;
        const goodThrough = goodThroughOf(statement, options.requestedEnd);
        if (ledgerBalance || availableBalance || goodThrough) {
          account =
            updateBalances(db, { ledger: Boolean(ledgerBalance), available: Boolean(availableBalance), goodThrough: Boolean(goodThrough) }).get({
              id: account.id,
              ledgerBalance: ledgerBalance?.amount ?? null,
              ledgerBalanceAsOf: ledgerBalance?.asOf ?? null,
              availableBalance: availableBalance?.amount ?? null,
              availableBalanceAsOf: availableBalance?.asOf ?? null,
              lastGoodAt: goodThrough,
            }) ?? account;
        }

        let newTransactions = 0;
        const insert = insertTransaction(db);
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

/** What a statement reported: only those columns are written, so a balance the bank left out is kept. */
interface BalanceShape {
  ledger: boolean;
  available: boolean;
  goodThrough: boolean;
}

/** The UPDATE of one account's balances for that shape (at most eight of them, each prepared once). */
function updateBalances(db: Database, shape: BalanceShape) {
  const name = `accounts.balances:${Number(shape.ledger)}${Number(shape.available)}${Number(shape.goodThrough)}`;
  return prepared(db, name, (orm) =>
    orm
      .update(accounts)
      .set({
        ...(shape.ledger && { ledgerBalance: param('ledgerBalance'), ledgerBalanceAsOf: param('ledgerBalanceAsOf') }),
        ...(shape.available && { availableBalance: param('availableBalance'), availableBalanceAsOf: param('availableBalanceAsOf') }),
        ...(shape.goodThrough && { lastGoodAt: param('lastGoodAt') }),
      })
      .where(eq(accounts.id, sql.placeholder('id')))
      .returning()
      .prepare(),
  );
}

/** The earlier of the window asked for and the statement's DTEND: a bank may answer for less than was asked. */
function goodThroughOf(statement: Statement, requestedEnd: Date | undefined): string | null {
  if (!requestedEnd) return null;
  const end = statement.end ? Date.parse(statement.end) : Number.NaN;
  return new Date(Number.isNaN(end) ? requestedEnd.getTime() : Math.min(end, requestedEnd.getTime())).toISOString();
}

/**
 * One INSERT run per row, prepared once. A multi-row INSERT built per batch of 500 made drizzle and SQLite build
 * and parse a 5,500-parameter statement every time, which was most of a 100k-transaction sync.
 */
function insertTransaction(db: Database) {
  return prepared(db, 'transactions.insert', (orm) =>
    orm
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
      .prepare(),
  );
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
