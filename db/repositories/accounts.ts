/** Accounts of a connection, as named on the command line or discovered from the bank's account list. */
import { asc, eq, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AccountInfo, AccountRef } from '../../core/ofx/types.ts';
import type { Database } from '../connection.ts';
import { prepared } from '../prepared.ts';
import { accounts } from '../schema.ts';
import type { AccountRow } from '../schema.ts';

/** Adds accounts not yet known; for known ones, fills in what the bank now tells (a null never erases). */
export function upsertAccounts(
  db: Database,
  connectionId: number,
  refs: readonly (AccountRef | AccountInfo)[],
): AccountRow[] {
  return db.orm.transaction(() => refs.map((ref) => upsertAccount(db, connectionId, ref)), {
    behavior: 'immediate',
  });
}

/** Inside the caller's transaction, if any (the prepared statement runs on the database's one connection). */
export function upsertAccount(
  db: Database,
  connectionId: number,
  ref: AccountRef | AccountInfo,
  extra: { currency?: string | null } = {},
): AccountRow {
  const info = 'description' in ref ? ref : null;
  const row = prepared(db, 'accounts.upsert', (orm) =>
    orm
      .insert(accounts)
      .values({
        connectionId: sql.placeholder('connectionId'),
        kind: sql.placeholder('kind'),
        accountId: sql.placeholder('accountId'),
        accountType: sql.placeholder('accountType'),
        bankId: sql.placeholder('bankId'),
        brokerId: sql.placeholder('brokerId'),
        description: sql.placeholder('description'),
        serviceStatus: sql.placeholder('serviceStatus'),
        currency: sql.placeholder('currency'),
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
      .prepare(),
  ).get({
    connectionId,
    kind: ref.kind,
    accountId: ref.accountId,
    accountType: ref.accountType,
    bankId: ref.bankId,
    brokerId: ref.brokerId,
    description: info?.description ?? null,
    serviceStatus: info?.serviceStatus ?? null,
    currency: extra.currency ?? null,
  });
  if (!row) throw new Error(`account ${ref.accountId} was neither found nor created`);
  return row;
}

/** In an upsert: the incoming value when there is one, else what the row already holds. */
function keep(column: SQLiteColumn) {
  return sql`coalesce(excluded.${sql.identifier(column.name)}, ${column})`;
}

export function listAccounts(db: Database, connectionId: number): AccountRow[] {
  return prepared(db, 'accounts.list', (orm) =>
    orm
      .select()
      .from(accounts)
      .where(eq(accounts.connectionId, sql.placeholder('connectionId')))
      .orderBy(asc(accounts.kind), asc(accounts.accountId))
      .prepare(),
  ).all({ connectionId });
}
