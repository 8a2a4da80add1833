/** Accounts of a connection, as named on the command line or discovered from the bank's account list. */
import { asc, eq, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AccountInfo, AccountRef } from '../../core/ofx/types.ts';
import type { Database, Executor } from '../connection.ts';
import { accounts } from '../schema.ts';
import type { AccountRow } from '../schema.ts';

/** Adds accounts not yet known; for known ones, fills in what the bank now tells (a null never erases). */
export function upsertAccounts(
  db: Database,
  connectionId: number,
  refs: readonly (AccountRef | AccountInfo)[],
): AccountRow[] {
  return db.orm.transaction((tx) => refs.map((ref) => upsertAccount(tx, connectionId, ref)), {
    behavior: 'immediate',
  });
}

export function upsertAccount(
  executor: Executor,
  connectionId: number,
  ref: AccountRef | AccountInfo,
  extra: { currency?: string | null } = {},
): AccountRow {
  const info = 'description' in ref ? ref : null;
  const row = executor
    .insert(accounts)
    .values({
      connectionId,
      kind: ref.kind,
      accountId: ref.accountId,
      accountType: ref.accountType,
      bankId: ref.bankId,
      brokerId: ref.brokerId,
      description: info?.description ?? null,
      serviceStatus: info?.serviceStatus ?? null,
      currency: extra.currency ?? null,
    })
    .onConflictDoUpdate({
      target: [accounts.connectionId, accounts.kind, accounts.accountId],
      set: {
        accountType: keep(accounts.accountType),
        bankId: keep(accounts.bankId),
        brokerId: keep(accounts.brokerId),
        description: keep(accounts.description),
        serviceStatus: keep(accounts.serviceStatus),
        currency: keep(accounts.currency),
      },
    })
    .returning()
    .get();
  if (!row) throw new Error(`account ${ref.accountId} was neither found nor created`);
  return row;
}

/** In an upsert: the incoming value when there is one, else what the row already holds. */
function keep(column: SQLiteColumn) {
  return sql`coalesce(excluded.${sql.identifier(column.name)}, ${column})`;
}

export function listAccounts(db: Database, connectionId: number): AccountRow[] {
  return db.orm
    .select()
    .from(accounts)
    .where(eq(accounts.connectionId, connectionId))
    .orderBy(asc(accounts.kind), asc(accounts.accountId))
    .all();
}
