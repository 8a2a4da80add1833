import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretFormatError, SecretKeyError, SecretKeyMismatchError } from '../../db/errors.ts';
import { SecretBox, keyFilePath } from '../../db/secrets.ts';
import { tempDir, testBox } from './helpers.ts';

const noEnv = {};
const goodEnvKey = Buffer.alloc(32, 42).toString('base64');

describe('SecretBox encryption', () => {
  it('round-trips text, including non-ASCII, and writes the versioned format', () => {
    const stored = testBox.encrypt('pässwörd 🔐', 'connection:1:password');
    expect(stored).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(stored.split(':')[1] ?? '', 'base64')).toHaveLength(12);
    expect(testBox.decrypt(stored, 'connection:1:password')).toBe('pässwörd 🔐');
  });

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    const a = testBox.encrypt('same', 'aad');
    const b = testBox.encrypt('same', 'aad');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  it('binds a value to its purpose: decrypting under another AAD fails', () => {
    const password = testBox.encrypt('secret', 'connection:A:password');
    expect(() => testBox.decrypt(password, 'connection:B:password')).toThrow(SecretKeyMismatchError);
    expect(() => testBox.decrypt(password, 'connection:A:user-cred1')).toThrow(SecretKeyMismatchError);
  });

  it('refuses a wrong key with SecretKeyMismatchError, never garbage', () => {
    const stored = testBox.encrypt('secret', 'aad');
    const other = SecretBox.fromKey(Buffer.alloc(32, 8));
    expect(() => other.decrypt(stored, 'aad')).toThrow(SecretKeyMismatchError);
    expect(() => other.decrypt(stored, 'aad')).toThrow(
      'cannot decrypt stored secrets: OFX_MFA_KEY or the key file is not the one they were saved with',
    );
  });

  it('detects tampered ciphertext, tag or a truncated value', () => {
    const stored = testBox.encrypt('secret value', 'aad');
    const [version, iv, tag, data] = stored.split(':') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => testBox.decrypt([version, iv, tag, flipped.toString('base64')].join(':'), 'aad')).toThrow(
      SecretKeyMismatchError,
    );
    const badTag = Buffer.from(tag, 'base64');
    badTag[3] = (badTag[3] ?? 0) ^ 0x80;
    expect(() => testBox.decrypt([version, iv, badTag.toString('base64'), data].join(':'), 'aad')).toThrow(
      SecretKeyMismatchError,
    );
    expect(() => testBox.decrypt([version, iv, tag].join(':'), 'aad')).toThrow(SecretKeyMismatchError);
  });

  it('names an unknown format version as such', () => {
    expect(() => testBox.decrypt('v9:aaaa:bbbb:cccc', 'aad')).toThrow(SecretFormatError);
    expect(() => testBox.decrypt('plain text password', 'aad')).toThrow(SecretFormatError);
  });
});

describe('SecretBox.load: the key', () => {
  it('takes OFX_MFA_KEY when set, and creates no key file then', () => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    const box = SecretBox.load(dbPath, { OFX_MFA_KEY: goodEnvKey });
    const same = SecretBox.fromKey(Buffer.from(goodEnvKey, 'base64'));
    expect(same.decrypt(box.encrypt('x', 'aad'), 'aad')).toBe('x');
    expect(existsSync(keyFilePath(dbPath))).toBe(false);
  });

  it.each([
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['too long', Buffer.alloc(33, 1).toString('base64')],
    ['not base64', 'this is not a key at all, definitely not!!!!'],
    ['hex instead of base64', Buffer.alloc(32, 1).toString('hex')],
  ])('rejects an OFX_MFA_KEY that is %s, without echoing it', (_why, value) => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    let error: unknown;
    try {
      SecretBox.load(dbPath, { OFX_MFA_KEY: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain('OFX_MFA_KEY must be the base64 encoding of exactly 32 bytes');
    expect((error as Error).message).not.toContain(value);
  });

  it('creates the key file next to the database on first use, mode 0600, and reuses it', () => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    const first = SecretBox.load(dbPath, noEnv);
    const path = keyFilePath(dbPath);
    expect(path).toBe(`${dbPath}.key`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);

    const second = SecretBox.load(dbPath, noEnv);
    expect(second.decrypt(first.encrypt('kept', 'aad'), 'aad')).toBe('kept');
  });

  it.each([0o644, 0o640, 0o604])('refuses a key file with mode %o and says to chmod 600', (mode) => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    SecretBox.load(dbPath, noEnv);
    const path = keyFilePath(dbPath);
    const key = readFileSync(path, 'utf8').trim();
    chmodSync(path, mode);
    let error: unknown;
    try {
      SecretBox.load(dbPath, noEnv);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain('chmod 600');
    expect((error as Error).message).not.toContain(key);
  });

  it('rejects a key file that does not hold a 32-byte key', () => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    writeFileSync(keyFilePath(dbPath), 'short\n', { mode: 0o600 });
    expect(() => SecretBox.load(dbPath, noEnv)).toThrow(SecretKeyError);
  });

  it('a replaced key file makes old secrets fail with SecretKeyMismatchError', () => {
    const dbPath = join(tempDir(), 'ofx.sqlite');
    const stored = SecretBox.load(dbPath, noEnv).encrypt('secret', 'aad');
    writeFileSync(keyFilePath(dbPath), `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
    expect(() => SecretBox.load(dbPath, noEnv).decrypt(stored, 'aad')).toThrow(SecretKeyMismatchError);
  });

  it('has no key file for an in-memory database', () => {
    expect(() => SecretBox.load(':memory:', noEnv)).toThrow(SecretKeyError);
  });
});
