/**
 * ACCESSKEYs the bank hands out after a passed challenge, stored encrypted. At most one live key per connection;
 * replaced, rejected or forgotten keys are kept as dropped rows, for the history (when received, used, dropped and
 * why), but without their ciphertext: a dropped key is gone, not merely unused.
 */
import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { KeyStore } from '../../core/sync/types.ts';
import type { Database, Executor } from '../connection.ts';
import { accessKeys, connections } from '../schema.ts';
import { oneLine } from '../one-line.ts';
import { param, prepared } from '../prepared.ts';
import type { SecretBox } from '../secrets.ts';
import { secretAad } from './connections.ts';

/** What a dropped row keeps in place of the ciphertext (the column is NOT NULL; '' is never SecretBox output). */
const ERASED = '';

export class DbKeyStore implements KeyStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  /** The live key, decrypted; marks it used. Throws SecretKeyMismatchError when the key file changed. */
  async get(connectionId: string): Promise<string | null> {
    const id = parseConnectionId(connectionId);
    const { db } = this;
    // Every keyed sync runs both: prepared once, run inside this transaction.
    return db.orm.transaction(() => {
      const live = prepared(db, 'accessKeys.live', (orm) =>
        orm
          .select({ id: accessKeys.id, encryptedKey: accessKeys.encryptedKey, clientUid: connections.clientUid })
          .from(accessKeys)
          .innerJoin(connections, eq(connections.id, accessKeys.connectionId))
          .where(and(eq(accessKeys.connectionId, sql.placeholder('connectionId')), isNull(accessKeys.droppedAt)))
          .prepare(),
      ).get({ connectionId: id });
      if (!live) return null;
      const key = this.box.decrypt(live.encryptedKey, secretAad(live.clientUid, 'access-key'));
      prepared(db, 'accessKeys.used', (orm) =>
        orm
          .update(accessKeys)
          .set({ lastUsedAt: param('now') })
          .where(eq(accessKeys.id, sql.placeholder('id')))
          .prepare(),
      ).run({ id: live.id, now: new Date().toISOString() });
      return key;
    }, { behavior: 'immediate' });
  }

  /** Stores a new key, dropping the one it replaces, in one transaction. */
  async set(connectionId: string, accessKey: string): Promise<void> {
    const id = parseConnectionId(connectionId);
    this.db.orm.transaction(
      (tx) => {
        const connection = tx
          .select({ clientUid: connections.clientUid })
          .from(connections)
          .where(eq(connections.id, id))
          .get();
        if (!connection) throw new Error(`connection ${id} does not exist`);
        dropLiveKey(tx, id, 'replaced by a new key');
        tx.insert(accessKeys)
          .values({
            connectionId: id,
            encryptedKey: this.box.encrypt(accessKey, secretAad(connection.clientUid, 'access-key')),
            receivedAt: new Date().toISOString(),
          })
          .run();
      },
      { behavior: 'immediate' },
    );
  }

  async clear(connectionId: string, reason: string): Promise<void> {
    dropLiveKey(this.db.orm, parseConnectionId(connectionId), reason);
  }
}

/**
 * `bank forget-key`: the next sync signs on without a key (and the bank will likely challenge again). The
 * ciphertext is erased from the row; with secure_delete and a WAL checkpoint it is gone from the files too.
 */
export function forgetKey(db: Database, connectionId: number, reason = 'forgotten at the user\'s request'): boolean {
  const dropped = dropLiveKey(db.orm, connectionId, reason);
  // The old page images sit in the WAL until a checkpoint; TRUNCATE copies the clean pages back and empties it.
  // Best effort: not inside a caller's transaction (SQLite refuses it there), and a reader in another process may
  // hold the WAL; a later checkpoint finishes the job then.
  if (!db.path || db.path === ':memory:' || db.sqlite.inTransaction) return dropped;
  try {
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // The key is dropped and its row erased either way.
  }
  return dropped;
}

/** When the live key arrived and was last sent, without the key itself; null when there is none. */
export interface LiveKeyInfo {
  receivedAt: string;
  lastUsedAt: string | null;
}

export function liveKeyInfo(db: Database, connectionId: number): LiveKeyInfo | null {
  return (
    prepared(db, 'accessKeys.liveInfo', (orm) =>
      orm
        .select({ receivedAt: accessKeys.receivedAt, lastUsedAt: accessKeys.lastUsedAt })
        .from(accessKeys)
        .where(and(eq(accessKeys.connectionId, sql.placeholder('connectionId')), isNull(accessKeys.droppedAt)))
        .prepare(),
    ).get({ connectionId }) ?? null
  );
}

/** Drops the live key and erases its ciphertext (and that of any dropped row an older version left it in). */
function dropLiveKey(executor: Executor, connectionId: number, reason: string): boolean {
  const result = executor
    .update(accessKeys)
    .set({ droppedAt: new Date().toISOString(), droppedReason: oneLine(reason), encryptedKey: ERASED })
    .where(and(eq(accessKeys.connectionId, connectionId), isNull(accessKeys.droppedAt)))
    .run();
  executor
    .update(accessKeys)
    .set({ encryptedKey: ERASED })
    .where(and(eq(accessKeys.connectionId, connectionId), isNotNull(accessKeys.droppedAt), ne(accessKeys.encryptedKey, ERASED)))
    .run();
  return result.changes > 0;
}


/** KeyStore ids are the decimal row ids `toConnectionConfig` hands out. */
export function parseConnectionId(id: string): number {
  if (!/^[1-9][0-9]*$/.test(id)) throw new Error(`not a connection id: ${JSON.stringify(id)}`);
  return Number(id);
}

