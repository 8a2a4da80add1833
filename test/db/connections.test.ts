import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectionExistsError, SecretKeyMismatchError } from '../../db/errors.ts';
import { DbKeyStore } from '../../db/repositories/access-keys.ts';
import {
  createConnection,
  getConnection,
  listConnections,
  markSynced,
  removeConnection,
  toConnectionConfig,
  updateConnectionSecrets,
  updateProfileFlags,
} from '../../db/repositories/connections.ts';
import { ensureDiscordMember, ensureLocalMember } from '../../db/repositories/members.ts';
import { saveStatements } from '../../db/repositories/statements.ts';
import { recordChallenge } from '../../db/repositories/challenges.ts';
import { startSyncRun } from '../../db/repositories/sync-runs.ts';
import { SecretBox } from '../../db/secrets.ts';
import { fixture, open, statement, testBox, txn } from './helpers.ts';

const secrets = {
  password: 'PLAINTEXT-PASSWORD-7f3a',
  userCred1: 'PLAINTEXT-USERCRED1-91bc',
  userCred2: 'PLAINTEXT-USERCRED2-c0de',
  authToken: 'PLAINTEXT-AUTHTOKEN-5e5e',
};
const accessKey = 'PLAINTEXT-ACCESSKEY-d00d';

function rawBytesContain(path: string, needle: string): boolean {
  if (!existsSync(path)) return false;
  const bytes = readFileSync(path);
  return bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'));
}

describe('members', () => {
  it('ensureLocalMember and ensureDiscordMember create once and find again', () => {
    const { db } = fixture();
    const a = ensureLocalMember(db, 'local:alice');
    expect(ensureLocalMember(db, 'local:alice').id).toBe(a.id);
    const d = ensureDiscordMember(db, '123456789012345678', 'Dana');
    const again = ensureDiscordMember(db, '123456789012345678', 'Dana R.');
    expect(again.id).toBe(d.id);
    expect(again.displayName).toBe('Dana R.');
    expect(again.localName).toBeNull();
    expect(d.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // The statement is prepared once: another user is another row, and Dana keeps her name.
    const e = ensureDiscordMember(db, '223456789012345678', 'Eve');
    expect([e.id === d.id, e.displayName, e.discordUserId]).toEqual([false, 'Eve', '223456789012345678']);
    expect(ensureDiscordMember(db, '123456789012345678', 'Dana R.')).toMatchObject({ id: d.id, displayName: 'Dana R.' });
  });
});

describe('connections', () => {
  it('stores no password, USERCRED, AUTHTOKEN or access key in plain text, in the file or its WAL', async () => {
    const { db, path, member } = fixture({ name: 'first' });
    const row = createConnection(db, testBox, { memberId: member.id, name: 'bank', url: 'https://b.test/ofx', org: 'B', fid: null, version: '203', userId: 'u', ...secrets });
    await new DbKeyStore(db, testBox).set(String(row.id), accessKey);
    updateProfileFlags(db, row.id, {
      mfaChallengeSupported: true,
      mfaChallengeFirst: false,
      clientUidRequired: true,
      userCred1Label: 'Card number',
      userCred2Label: null,
      authTokenFirst: false,
      authTokenLabel: null,
    });

    const needles = [...Object.values(secrets), accessKey];
    // While open, recent writes live in the -wal file; the URL (not a secret) shows the scan finds plain text.
    expect(rawBytesContain(`${path}-wal`, 'https://b.test/ofx')).toBe(true);
    for (const needle of needles) {
      expect(rawBytesContain(`${path}-wal`, needle), `${needle} in WAL`).toBe(false);
      expect(rawBytesContain(path, needle), `${needle} in database`).toBe(false);
    }
    db.close();
    expect(rawBytesContain(path, 'https://b.test/ofx')).toBe(true);
    for (const needle of needles) {
      expect(rawBytesContain(path, needle), `${needle} after checkpoint`).toBe(false);
      expect(rawBytesContain(`${path}-wal`, needle)).toBe(false);
    }
    // ...and the same file still yields them with the key.
    const reopened = open(path);
    const config = toConnectionConfig(testBox, getConnection(reopened, member.id, 'bank')!);
    expect(config).toMatchObject(secrets);
    expect(await new DbKeyStore(reopened, testBox).get(config.id)).toBe(accessKey);
  });

  it('toConnectionConfig gives the engine what it needs, with defaults and the id as a string', () => {
    const { connection } = fixture({ userCred1: 'cred-one' });
    const config = toConnectionConfig(testBox, connection);
    expect(config).toEqual({
      id: String(connection.id),
      name: 'credit-union',
      url: 'https://ofx.example.test/ofx',
      org: 'EXCU',
      fid: '1234',
      version: '103',
      appId: 'QWIN',
      appVer: '2700',
      clientUid: connection.clientUid,
      userId: 'alice',
      password: 'hunter2-password',
      userCred1: 'cred-one',
      userCred2: null,
      authToken: null,
      answerAggregate: 'MFACHALLENGEA',
      quirks: {},
    });
  });

  it('hands the stored quirks to the engine', () => {
    const { connection: row } = fixture({ quirks: { clientuid: '', pretty: 'true' } });
    expect(toConnectionConfig(testBox, row).quirks).toEqual({ clientuid: '', pretty: 'true' });
  });

  it('keeps an explicit APPID/APPVER and answer aggregate', () => {
    const { connection } = fixture({ appId: 'QMOFX', appVer: '2500', answerAggregate: 'MFACHALLENGEANSWER' });
    expect(toConnectionConfig(testBox, connection)).toMatchObject({
      appId: 'QMOFX',
      appVer: '2500',
      answerAggregate: 'MFACHALLENGEANSWER',
    });
  });

  it('generates a UUID CLIENTUID once and no update changes it', () => {
    const { db, member, connection } = fixture();
    expect(connection.clientUid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = createConnection(db, testBox, { memberId: member.id, name: 'other', url: 'https://o.test', org: null, fid: null, version: '103', userId: 'x', password: 'y' });
    expect(other.clientUid).not.toBe(connection.clientUid);

    updateProfileFlags(db, connection.id, {
      mfaChallengeSupported: true,
      mfaChallengeFirst: true,
      clientUidRequired: true,
      userCred1Label: null,
      userCred2Label: null,
      authTokenFirst: false,
      authTokenLabel: null,
    });
    markSynced(db, connection.id, new Date('2026-10-05T17:00:00.000Z'));
    updateConnectionSecrets(db, testBox, connection.id, { password: 'new-password', authToken: 'tok' });

    const after = getConnection(db, member.id, 'credit-union')!;
    expect(after.clientUid).toBe(connection.clientUid);
    expect(after.mfaChallengeFirst).toBe(true);
    expect(after.lastSyncedAt).toBe('2026-10-05T17:00:00.000Z');
    expect(after.profileFetchedAt).toMatch(/Z$/);
    expect(toConnectionConfig(testBox, after)).toMatchObject({ password: 'new-password', authToken: 'tok', clientUid: connection.clientUid });
  });

  it('a ciphertext moved to another connection does not decrypt there', () => {
    const { db, member, connection } = fixture();
    const other = createConnection(db, testBox, { memberId: member.id, name: 'other', url: 'https://o.test', org: null, fid: null, version: '103', userId: 'x', password: 'other-password' });
    db.sqlite
      .prepare('update connections set encrypted_password = ? where id = ?')
      .run(connection.encryptedPassword, other.id);
    const moved = getConnection(db, member.id, 'other')!;
    expect(() => toConnectionConfig(testBox, moved)).toThrow(SecretKeyMismatchError);
    // Moving between columns of the same row fails too.
    db.sqlite
      .prepare('update connections set encrypted_auth_token = encrypted_password where id = ?')
      .run(connection.id);
    expect(() => toConnectionConfig(testBox, getConnection(db, member.id, 'credit-union')!)).toThrow(SecretKeyMismatchError);
  });

  it('a different key gives SecretKeyMismatchError, not garbage', () => {
    const { connection } = fixture();
    expect(() => toConnectionConfig(SecretBox.fromKey(Buffer.alloc(32, 1)), connection)).toThrow(SecretKeyMismatchError);
  });

  it('names are unique per member, not across members', () => {
    const { db, member } = fixture();
    const base = { url: 'https://x.test', org: null, fid: null, version: '103', userId: 'u', password: 'p' };
    expect(() => createConnection(db, testBox, { ...base, memberId: member.id, name: 'credit-union' })).toThrow(ConnectionExistsError);
    const bob = ensureDiscordMember(db, '42', 'Bob');
    expect(createConnection(db, testBox, { ...base, memberId: bob.id, name: 'credit-union' }).memberId).toBe(bob.id);
  });

  it('listConnections shows a member their own connections, with no secret at all', async () => {
    const { db, member, connection } = fixture({ userCred1: 'c1' });
    const bob = ensureDiscordMember(db, '42', 'Bob');
    createConnection(db, testBox, { memberId: bob.id, name: 'bobs-bank', url: 'https://x.test', org: null, fid: null, version: '103', userId: 'u', password: 'p' });
    await new DbKeyStore(db, testBox).set(String(connection.id), 'key');

    const list = listConnections(db, member.id);
    expect(list.map((c) => c.name)).toEqual(['credit-union']);
    const [summary] = list;
    expect(summary).toMatchObject({ hasUserCred1: true, hasUserCred2: false, hasAuthToken: false, accessKeyStored: true });
    expect(Object.keys(summary!).filter((k) => k.startsWith('encrypted'))).toEqual([]);
    expect(JSON.stringify(list)).not.toMatch(/v1:/);
  });

  it('removeConnection deletes the connection with its keys, accounts, transactions, runs and challenges', async () => {
    const { db, member, connection } = fixture();
    const keep = createConnection(db, testBox, { memberId: member.id, name: 'keep', url: 'https://k.test', org: null, fid: null, version: '103', userId: 'u', password: 'p' });
    for (const c of [connection, keep]) {
      await new DbKeyStore(db, testBox).set(String(c.id), 'key');
      const runId = startSyncRun(db, c.id, 'test');
      recordChallenge(db, runId, [{ id: 'MFA16', label: 'Pet?' }]);
      saveStatements(db, runId, c.id, [statement('111', [txn('a', '1.00'), txn('b', '2.00')])]);
    }
    const count = (table: string) => db.sqlite.prepare(`select count(*) from ${table}`).pluck().get();
    expect([count('access_keys'), count('accounts'), count('transactions'), count('sync_runs'), count('challenges')]).toEqual([2, 2, 4, 2, 2]);

    expect(removeConnection(db, member.id, 'credit-union')).toBe(true);
    expect(removeConnection(db, member.id, 'credit-union')).toBe(false);
    expect(getConnection(db, member.id, 'credit-union')).toBeNull();
    expect([count('access_keys'), count('accounts'), count('transactions'), count('sync_runs'), count('challenges')]).toEqual([1, 1, 2, 1, 1]);
  });
});
