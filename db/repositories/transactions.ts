/** Reading stored transactions back, shaped for `transactions --format json` (DESIGN 4.1). */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { accounts, transactions } from '../schema.ts';

export interface StoredTransaction {
  accountId: string;
  fitid: string;
  posted: string;
  amount: string;
  type: string;
  name: string | null;
  memo: string | null;
}

export interface TransactionQuery {
  /** Posted at or after this instant; a date alone ("2026-01-01") means its start, UTC. */
  since?: string | Date;
}

/** Oldest first, across the connection's accounts. */
export function listTransactions(
  db: Database,
  connectionId: number,
  query: TransactionQuery = {},
): StoredTransaction[] {
  const since = query.since === undefined ? undefined : toIsoInstant(query.since);
  return db.orm
    .select({
      accountId: accounts.accountId,
      fitid: transactions.fitid,
      posted: transactions.posted,
      amount: transactions.amount,
      type: transactions.type,
      name: transactions.name,
      memo: transactions.memo,
    })
    .from(transactions)
    .innerJoin(accounts, eq(accounts.id, transactions.accountId))
    .where(
      and(eq(accounts.connectionId, connectionId), since === undefined ? undefined : gte(transactions.posted, since)),
    )
    .orderBy(asc(transactions.posted), asc(accounts.accountId), asc(transactions.id))
    .all();
}

/** Stored times are `toISOString` text, so comparing text compares instants once both have that shape. */
function toIsoInstant(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return date.toISOString();
}
