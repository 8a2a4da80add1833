/**
 * Holds: after the bank rejected the answers (3001) or the credentials (15500, 15502), unattended syncs of the
 * connection stay off the bank until a person acts, because resending either can lock the account or get the
 * address blocked. A person answering interactively, changing the secrets, or `bank clear-hold` lifts it.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { connections } from '../schema.ts';
import type { HoldReason } from '../schema.ts';

export interface Hold {
  reason: HoldReason;
  /** The bank's status code that caused it (3001, 15500, 15502). */
  code: number;
  since: string;
}

export function setHold(db: Database, connectionId: number, reason: HoldReason, code: number, at: Date = new Date()): void {
  db.orm
    .update(connections)
    .set({ holdReason: reason, holdCode: code, holdSince: at.toISOString() })
    .where(eq(connections.id, connectionId))
    .run();
}

/** True when there was a hold to clear. */
export function clearHold(db: Database, connectionId: number): boolean {
  const result = db.orm
    .update(connections)
    .set({ holdReason: null, holdCode: null, holdSince: null })
    .where(and(eq(connections.id, connectionId), isNotNull(connections.holdReason)))
    .run();
  return result.changes > 0;
}

export function getHold(db: Database, connectionId: number): Hold | null {
  const row = db.orm
    .select({ holdReason: connections.holdReason, holdCode: connections.holdCode, holdSince: connections.holdSince })
    .from(connections)
    .where(eq(connections.id, connectionId))
    .get();
  return row ? holdOfRow(row) : null;
}

/** The hold recorded on a connection row, if any. */
export function holdOfRow(row: { holdReason: HoldReason | null; holdCode: number | null; holdSince: string | null }): Hold | null {
  if (!row.holdReason || !row.holdSince) return null;
  return { reason: row.holdReason, code: row.holdCode ?? 0, since: row.holdSince };
}
