/**
 * Statements every sync runs, prepared once per open database instead of at each call (issue 10: building the
 * SQL in drizzle and preparing it in SQLite was most of what a keyed sync spends besides the bank). A prepared
 * statement takes its values as placeholders at each run; it runs on the database's one connection, so inside
 * a transaction it is part of that transaction. Only for statements whose SQL never depends on the values and
 * whose columns have no client-side default ($defaultFn, $onUpdateFn), which would be computed once, at prepare.
 */
import { sql } from 'drizzle-orm';
import type { Database, Orm } from './connection.ts';

const byDatabase = new WeakMap<Database, Map<string, unknown>>();

/** A value given at each run, where drizzle takes it only as SQL (an update's `set`). */
export const param = (name: string) => sql`${sql.placeholder(name)}`;

/** The statement `name` of this database, prepared by `prepare` at its first use. */
export function prepared<T>(db: Database, name: string, prepare: (orm: Orm) => T): T {
  let statements = byDatabase.get(db);
  if (!statements) byDatabase.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) statements.set(name, (statement = prepare(db.orm)));
  return statement;
}
