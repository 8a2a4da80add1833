/**
 * Bank connections. Secrets are encrypted on the way in and decrypted only by `toConnectionConfig`, the one door
 * through which they reach the sync engine; listings carry no secret, not even encrypted.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { ConnectionConfig, ProfileFlags } from '../../core/sync/types.ts';
import type { Database } from '../connection.ts';
import { ConnectionExistsError } from '../errors.ts';
import { param, prepared } from '../prepared.ts';
import { accessKeys, connections } from '../schema.ts';
import type { AnswerAggregate, ConnectionQuirks, ConnectionRow } from '../schema.ts';
import type { SecretBox } from '../secrets.ts';

export type SecretField = 'password' | 'user-cred1' | 'user-cred2' | 'auth-token' | 'access-key';

/**
 * The AAD binding a ciphertext to one secret of one connection. The CLIENTUID is used rather than the row id
 * because it exists before the insert, is never reused and never changes.
 */
export function secretAad(clientUid: string, field: SecretField): string {
  return `connection:${clientUid}:${field}`;
}

export interface NewConnection {
  memberId: number;
  name: string;
  url: string;
  org: string | null;
  fid: string | null;
  version: string;
  appId?: string;
  appVer?: string;
  userId: string;
  password: string;
  userCred1?: string | null;
  userCred2?: string | null;
  authToken?: string | null;
  answerAggregate?: AnswerAggregate;
  brokerId?: string | null;
  directoryNick?: string | null;
  quirks?: ConnectionQuirks;
}

export function createConnection(db: Database, box: SecretBox, input: NewConnection): ConnectionRow {
  const clientUid = randomUUID();
  const seal = (value: string | null | undefined, field: SecretField) =>
    value == null ? null : box.encrypt(value, secretAad(clientUid, field));
  try {
    const row = db.orm
      .insert(connections)
      .values({
        memberId: input.memberId,
        name: input.name,
        url: input.url,
        org: input.org,
        fid: input.fid,
        version: input.version,
        appId: input.appId,
        appVer: input.appVer,
        clientUid,
        userId: input.userId,
        encryptedPassword: box.encrypt(input.password, secretAad(clientUid, 'password')),
        encryptedUserCred1: seal(input.userCred1, 'user-cred1'),
        encryptedUserCred2: seal(input.userCred2, 'user-cred2'),
        encryptedAuthToken: seal(input.authToken, 'auth-token'),
        answerAggregate: input.answerAggregate,
        brokerId: input.brokerId ?? null,
        directoryNick: input.directoryNick ?? null,
        quirks: input.quirks ?? {},
      })
      .returning()
      .get();
    return row;
  } catch (error) {
    if (isUniqueViolation(error, 'connections.member_id')) throw new ConnectionExistsError(input.name);
    throw error;
  }
}

/** The full row (secrets still encrypted), for `toConnectionConfig`. */
export function getConnection(db: Database, memberId: number, name: string): ConnectionRow | null {
  return (
    prepared(db, 'connections.byName', (orm) =>
      orm
        .select()
        .from(connections)
        .where(and(eq(connections.memberId, sql.placeholder('memberId')), eq(connections.name, sql.placeholder('name'))))
        .prepare(),
    ).get({ memberId, name }) ?? null
  );
}

/** By row id, e.g. from a button's custom id; check `memberId` before acting for someone. */
export function getConnectionById(db: Database, id: number): ConnectionRow | null {
  return prepared(db, 'connections.byId', (orm) => orm.select().from(connections).where(eq(connections.id, sql.placeholder('id'))).prepare()).get({ id }) ?? null;
}

const {
  encryptedPassword: _password,
  encryptedUserCred1: _userCred1,
  encryptedUserCred2: _userCred2,
  encryptedAuthToken: _authToken,
  ...publicColumns
} = getTableColumns(connections);

export type ConnectionSummary = Omit<
  ConnectionRow,
  'encryptedPassword' | 'encryptedUserCred1' | 'encryptedUserCred2' | 'encryptedAuthToken'
> & {
  hasUserCred1: boolean;
  hasUserCred2: boolean;
  hasAuthToken: boolean;
  accessKeyStored: boolean;
};

/** A member's connections by name, without any secret. */
export function listConnections(db: Database, memberId: number): ConnectionSummary[] {
  return db.orm
    .select({
      ...publicColumns,
      hasUserCred1: sql<boolean>`${connections.encryptedUserCred1} is not null`.mapWith(Boolean),
      hasUserCred2: sql<boolean>`${connections.encryptedUserCred2} is not null`.mapWith(Boolean),
      hasAuthToken: sql<boolean>`${connections.encryptedAuthToken} is not null`.mapWith(Boolean),
      accessKeyStored: sql<boolean>`exists (select 1 from ${accessKeys} where ${accessKeys.connectionId} = ${connections.id} and ${accessKeys.droppedAt} is null)`.mapWith(
        Boolean,
      ),
    })
    .from(connections)
    .where(eq(connections.memberId, memberId))
    .orderBy(asc(connections.name))
    .all();
}

/** A member's full rows (secrets still encrypted) by name, for services that say which secrets are stored. */
export function listConnectionRows(db: Database, memberId: number): ConnectionRow[] {
  return db.orm.select().from(connections).where(eq(connections.memberId, memberId)).orderBy(asc(connections.name)).all();
}

/** Deletes the connection with its access keys, accounts, transactions, sync runs and challenges. */
export function removeConnection(db: Database, memberId: number, name: string): boolean {
  const result = db.orm
    .delete(connections)
    .where(and(eq(connections.memberId, memberId), eq(connections.name, name)))
    .run();
  return result.changes > 0;
}

/** What the sync engine needs, secrets decrypted in memory; throws SecretKeyMismatchError on a wrong key. */
export function toConnectionConfig(box: SecretBox, row: ConnectionRow): ConnectionConfig {
  const open = (value: string | null, field: SecretField) =>
    value === null ? null : box.decrypt(value, secretAad(row.clientUid, field));
  return {
    id: String(row.id),
    name: row.name,
    url: row.url,
    org: row.org,
    fid: row.fid,
    version: row.version,
    appId: row.appId,
    appVer: row.appVer,
    clientUid: row.clientUid,
    userId: row.userId,
    password: box.decrypt(row.encryptedPassword, secretAad(row.clientUid, 'password')),
    userCred1: open(row.encryptedUserCred1, 'user-cred1'),
    userCred2: open(row.encryptedUserCred2, 'user-cred2'),
    authToken: open(row.encryptedAuthToken, 'auth-token'),
    answerAggregate: row.answerAggregate,
    quirks: row.quirks,
  };
}

/** New secrets for a connection: undefined leaves one as it is, null removes it. */
export interface SecretChanges {
  password?: string;
  userCred1?: string | null;
  userCred2?: string | null;
  authToken?: string | null;
}

export function updateConnectionSecrets(
  db: Database,
  box: SecretBox,
  connectionId: number,
  changes: SecretChanges,
): ConnectionRow {
  const row = getConnectionById(db, connectionId);
  if (!row) throw new Error(`connection ${connectionId} does not exist`);
  const seal = (value: string | null | undefined, field: SecretField) =>
    value === undefined ? undefined : value === null ? null : box.encrypt(value, secretAad(row.clientUid, field));
  return updateConnection(db, connectionId, {
    encryptedPassword: seal(changes.password, 'password') ?? undefined,
    encryptedUserCred1: seal(changes.userCred1, 'user-cred1'),
    encryptedUserCred2: seal(changes.userCred2, 'user-cred2'),
    encryptedAuthToken: seal(changes.authToken, 'auth-token'),
  });
}

/** What a person may change about a stored connection (not its owner, name or CLIENTUID); undefined leaves it. */
export interface SettingChanges {
  url?: string;
  org?: string | null;
  fid?: string | null;
  version?: string;
  appId?: string;
  appVer?: string;
  userId?: string;
  answerAggregate?: AnswerAggregate;
  brokerId?: string | null;
  directoryNick?: string | null;
  quirks?: ConnectionQuirks;
}

export function updateConnectionSettings(db: Database, connectionId: number, changes: SettingChanges): ConnectionRow {
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as UpdatableColumns;
  if (Object.keys(set).length === 0) {
    const row = getConnectionById(db, connectionId);
    if (!row) throw new Error(`connection ${connectionId} does not exist`);
    return row;
  }
  return updateConnection(db, connectionId, set);
}

/** The profile flags as last read from the bank, or null when its profile was never read. */
export function storedProfileFlags(row: ConnectionRow): ProfileFlags | null {
  if (!row.profileFetchedAt) return null;
  return {
    mfaChallengeSupported: row.mfaChallengeSupported ?? false,
    mfaChallengeFirst: row.mfaChallengeFirst ?? false,
    clientUidRequired: row.clientUidRequired ?? false,
    userCred1Label: row.userCred1Label,
    userCred2Label: row.userCred2Label,
    authTokenFirst: row.authTokenFirst ?? false,
    authTokenLabel: row.authTokenLabel,
  };
}

/** Records what the bank's profile (SIGNONINFO) says, as last read. */
export function updateProfileFlags(
  db: Database,
  connectionId: number,
  flags: ProfileFlags,
  fetchedAt: Date = new Date(),
): ConnectionRow {
  return updateConnection(db, connectionId, {
    mfaChallengeSupported: flags.mfaChallengeSupported,
    mfaChallengeFirst: flags.mfaChallengeFirst,
    clientUidRequired: flags.clientUidRequired,
    userCred1Label: flags.userCred1Label,
    userCred2Label: flags.userCred2Label,
    authTokenFirst: flags.authTokenFirst,
    authTokenLabel: flags.authTokenLabel,
    profileFetchedAt: fetchedAt.toISOString(),
  });
}

/** Notes a successful sync; the statement window of the next one starts from here. */
export function markSynced(db: Database, connectionId: number, at: Date = new Date()): ConnectionRow {
  // Prepared once (every sync runs it); updatedAt given here, as the $onUpdateFn would be run only at prepare.
  const row = prepared(db, 'connections.markSynced', (orm) =>
    orm
      .update(connections)
      .set({ lastSyncedAt: param('lastSyncedAt'), updatedAt: param('updatedAt') })
      .where(eq(connections.id, sql.placeholder('id')))
      .returning()
      .prepare(),
  ).get({ id: connectionId, lastSyncedAt: at.toISOString(), updatedAt: new Date().toISOString() });
  if (!row) throw new Error(`connection ${connectionId} does not exist`);
  return row;
}

/** CLIENTUID, id, owner and name are deliberately not updatable here. */
type UpdatableColumns = Partial<
  Omit<typeof connections.$inferInsert, 'id' | 'clientUid' | 'memberId' | 'createdAt' | 'updatedAt'>
>;

function updateConnection(db: Database, connectionId: number, set: UpdatableColumns): ConnectionRow {
  const row = db.orm.update(connections).set(set).where(eq(connections.id, connectionId)).returning().get();
  if (!row) throw new Error(`connection ${connectionId} does not exist`);
  return row;
}

function isUniqueViolation(error: unknown, column: string): boolean {
  // drizzle's async paths wrap driver errors in DrizzleQueryError; the synchronous ones used here do not.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (
    cause instanceof Error &&
    (cause as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    cause.message.includes(column)
  );
}
