/**
 * What the sync service and the scheduler read and write on connection rows, apart from secrets (connections.ts)
 * and holds (holds.ts): every connection for the scheduler, the profile attempt time.
 */
import { asc, eq, getTableColumns } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { connections } from '../schema.ts';
import type { ConnectionRow } from '../schema.ts';

/** A connection row without any secret, not even encrypted. */
export type ConnectionListing = Omit<
  ConnectionRow,
  'encryptedPassword' | 'encryptedUserCred1' | 'encryptedUserCred2' | 'encryptedAuthToken'
>;

const {
  encryptedPassword: _password,
  encryptedUserCred1: _userCred1,
  encryptedUserCred2: _userCred2,
  encryptedAuthToken: _authToken,
  ...listingColumns
} = getTableColumns(connections);

/** Every member's connections, oldest first: the scheduler's view. Syncs still go through the owner check. */
export function listAllConnections(db: Database): ConnectionListing[] {
  return db.orm.select(listingColumns).from(connections).orderBy(asc(connections.id)).all();
}

/** A profile request went out (answered or not): a failing profile is asked again at most once a day. */
export function markProfileAttempted(db: Database, connectionId: number, at: Date = new Date()): void {
  db.orm
    .update(connections)
    .set({ profileAttemptedAt: at.toISOString() })
    .where(eq(connections.id, connectionId))
    .run();
}
