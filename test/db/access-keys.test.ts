import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SecretKeyMismatchError } from '../../db/errors.ts';
import { DbKeyStore, forgetKey, liveKeyInfo } from '../../db/repositories/access-keys.ts';
import { createConnection, listConnections } from '../../db/repositories/connections.ts';
import { SecretBox } from '../../db/secrets.ts';
import { fixture, sampleConnection, testBox } from './helpers.ts';

interface KeyRow {
  live: number;
  last_used_at: string | null;
  dropped_at: string | null;
  dropped_reason: string | null;
}

describe('DbKeyStore', () => {
  it('get is null before any key is stored', async () => {
    const { db, connection } = fixture();
    expect(await new DbKeyStore(db, testBox).get(String(connection.id))).toBeNull();
  });

  it('set then get returns the key and marks it used; liveKeyInfo shows the dates, not the key', async () => {
    const { db, connection } = fixture();
    const store = new DbKeyStore(db, testBox);
    expect(liveKeyInfo(db, connection.id)).toBeNull();
    await store.set(String(connection.id), 'ACCESS-KEY-1');
    expect(liveKeyInfo(db, connection.id)).toEqual({ receivedAt: expect.stringMatching(/Z$/), lastUsedAt: null });
    expect(await store.get(String(connection.id))).toBe('ACCESS-KEY-1');
    const info = liveKeyInfo(db, connection.id);
    expect(info?.lastUsedAt).toMatch(/Z$/);
    expect(Object.keys(info!)).toEqual(['receivedAt', 'lastUsedAt']);
    await store.clear(String(connection.id), 'test');
    expect(liveKeyInfo(db, connection.id)).toBeNull();
  });

  it('set replaces the live key, keeping the old one as dropped', async () => {
    const { db, connection } = fixture();
    const store = new DbKeyStore(db, testBox);
    await store.set(String(connection.id), 'OLD');
    await store.set(String(connection.id), 'NEW');
    expect(await store.get(String(connection.id))).toBe('NEW');
    const rows = db.sqlite
      .prepare('select dropped_at is null as live, last_used_at, dropped_at, dropped_reason from access_keys order by id')
      .all() as KeyRow[];
    expect(rows.map((r) => r.live)).toEqual([0, 1]);
    expect(rows[0]?.dropped_reason).toBe('replaced by a new key');
  });

  it('clear drops the live key with the reason; get is null afterwards', async () => {
    const { db, connection } = fixture();
    const store = new DbKeyStore(db, testBox);
    await store.set(String(connection.id), 'KEY');
    await store.clear(String(connection.id), 'bank answered 3000 again');
    expect(await store.get(String(connection.id))).toBeNull();
    const row = db.sqlite.prepare('select dropped_at, dropped_reason from access_keys').get() as KeyRow;
    expect(row.dropped_reason).toBe('bank answered 3000 again');
    expect(row.dropped_at).toMatch(/Z$/);
    // Clearing with nothing live is harmless.
    await store.clear(String(connection.id), 'again');
  });

  it('keys belong to their connection: one database, two connections, each sees and drops only its own', async () => {
    // Both connections in one file: a query that forgot the connection id would hand KEY-A to the other here.
    const { db, member, connection } = fixture();
    const other = createConnection(db, testBox, { ...sampleConnection, memberId: member.id, name: 'other' });
    const store = new DbKeyStore(db, testBox);
    await store.set(String(connection.id), 'KEY-A');
    expect(await store.get(String(other.id))).toBeNull();
    expect(liveKeyInfo(db, other.id)).toBeNull();
    await store.set(String(other.id), 'KEY-B');
    expect(await store.get(String(connection.id))).toBe('KEY-A');
    expect(await store.get(String(other.id))).toBe('KEY-B');
    await store.clear(String(other.id), 'test');
    expect(await store.get(String(connection.id))).toBe('KEY-A');
    expect(forgetKey(db, other.id)).toBe(false);
    expect(forgetKey(db, connection.id)).toBe(true);
    expect(await store.get(String(connection.id))).toBeNull();
  });

  it('the database allows only one live key per connection', async () => {
    const { db, connection } = fixture();
    await new DbKeyStore(db, testBox).set(String(connection.id), 'KEY');
    expect(() =>
      db.sqlite
        .prepare('insert into access_keys (connection_id, encrypted_key) values (?, ?)')
        .run(connection.id, 'v1:x:y:z'),
    ).toThrow(/UNIQUE/);
  });

  it('a key from another key file fails with SecretKeyMismatchError', async () => {
    const { db, connection } = fixture();
    await new DbKeyStore(db, testBox).set(String(connection.id), 'KEY');
    const wrong = new DbKeyStore(db, SecretBox.fromKey(Buffer.alloc(32, 3)));
    await expect(wrong.get(String(connection.id))).rejects.toThrow(SecretKeyMismatchError);
  });

  it('rejects ids that are not connection ids', async () => {
    const { db } = fixture();
    await expect(new DbKeyStore(db, testBox).get('abc')).rejects.toThrow(/not a connection id/);
  });

  it('forgetKey drops the live key and reports whether there was one', async () => {
    const { db, member, connection } = fixture();
    await new DbKeyStore(db, testBox).set(String(connection.id), 'KEY');
    expect(listConnections(db, member.id)[0]?.accessKeyStored).toBe(true);
    expect(forgetKey(db, connection.id)).toBe(true);
    expect(forgetKey(db, connection.id)).toBe(false);
    expect(listConnections(db, member.id)[0]?.accessKeyStored).toBe(false);
    expect(await new DbKeyStore(db, testBox).get(String(connection.id))).toBeNull();
  });

  it('forgetKey erases the ciphertext from the row and from the database file and WAL; dropped rows keep none', async () => {
    const { db, path, connection } = fixture();
    const store = new DbKeyStore(db, testBox);
    await store.set(String(connection.id), 'FIRST-KEY');
    const first = db.sqlite.prepare('select encrypted_key from access_keys').pluck().get() as string;
    await store.set(String(connection.id), 'SECOND-KEY');
    const second = db.sqlite.prepare('select encrypted_key from access_keys where dropped_at is null').pluck().get() as string;
    // The replaced key's row is history now: no ciphertext.
    expect(db.sqlite.prepare('select encrypted_key from access_keys where dropped_at is not null').pluck().all()).toEqual(['']);

    expect(forgetKey(db, connection.id)).toBe(true);
    expect(db.sqlite.prepare('select encrypted_key from access_keys').pluck().all()).toEqual(['', '']);
    const onDisk = [path, `${path}-wal`]
      .filter(existsSync)
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    for (const ciphertext of [first, second]) {
      // The base64 body of each ciphertext (its last part) must not survive anywhere in the files.
      expect(onDisk).not.toContain(ciphertext.split(':')[3]);
    }
  });
});
