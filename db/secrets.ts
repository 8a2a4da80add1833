/**
 * Encryption of stored secrets (passwords, USERCRED1/2, AUTHTOKEN, access keys) with AES-256-GCM.
 *
 * Stored form: `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`, a fresh 12-byte IV each time. Every value is
 * bound to its place by additional authenticated data (e.g. `connection:<clientUid>:password`), so a ciphertext
 * copied into another row or column fails to decrypt instead of handing the bank the wrong secret.
 *
 * The key: env OFX_MFA_KEY (base64 of 32 bytes), else `<database path>.key`, created on first use with mode 0600.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { SecretFormatError, SecretKeyError, SecretKeyMismatchError } from './errors.ts';

const algorithm = 'aes-256-gcm';
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const formatVersion = 'v1';

export const keyEnvVar = 'OFX_MFA_KEY';

export function keyFilePath(dbPath: string): string {
  return `${dbPath}.key`;
}

export class SecretBox {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** The key from OFX_MFA_KEY, else from the key file next to the database (created if missing). */
  static load(dbPath: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
    const fromEnv = env[keyEnvVar];
    if (fromEnv !== undefined && fromEnv !== '') return new SecretBox(decodeKey(fromEnv, keyEnvVar));
    if (dbPath === ':memory:' || dbPath === '') {
      throw new SecretKeyError(`an in-memory database has no key file; set ${keyEnvVar}`);
    }
    return new SecretBox(loadOrCreateKeyFile(keyFilePath(dbPath)));
  }

  /** For tests and tools that manage the key themselves. */
  static fromKey(key: Uint8Array): SecretBox {
    if (key.length !== keyBytes) throw new SecretKeyError(`an encryption key must be exactly ${keyBytes} bytes`);
    return new SecretBox(Buffer.from(key));
  }

  encrypt(plain: string, aad: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv(algorithm, this.#key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [formatVersion, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(stored: string, aad: string): string {
    const parts = stored.split(':');
    if (parts[0] !== formatVersion) {
      throw new SecretFormatError('a stored secret is in an unknown format (written by a newer ofx-mfa?)');
    }
    if (parts.length !== 4) throw new SecretKeyMismatchError();
    const iv = Buffer.from(parts[1] ?? '', 'base64');
    const tag = Buffer.from(parts[2] ?? '', 'base64');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64');
    if (iv.length !== ivBytes || tag.length !== tagBytes) throw new SecretKeyMismatchError();
    try {
      const decipher = createDecipheriv(algorithm, this.#key, iv, { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: wrong key, wrong AAD (value moved) or altered bytes. Never return garbage.
      throw new SecretKeyMismatchError();
    }
  }
}

/** Strict base64 of exactly 32 bytes; Buffer.from alone would quietly skip stray characters. */
function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== keyBytes) {
    throw new SecretKeyError(
      `${source} must be the base64 encoding of exactly ${keyBytes} bytes (make one with: openssl rand -base64 32)`,
    );
  }
  return key;
}

function loadOrCreateKeyFile(path: string): Buffer {
  try {
    return readKeyFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Write the key beside its final name and hard-link it into place: link() fails if the name exists, so two
  // processes starting together end up sharing one complete key file, never reading a half-written one.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${randomBytes(keyBytes).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temp, 0o600);
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  return readKeyFile(path);
}

function readKeyFile(path: string): Buffer {
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretKeyError(
      `the key file ${path} is open to other users; run: chmod 600 ${JSON.stringify(path)}`,
    );
  }
  return decodeKey(readFileSync(path, 'utf8'), `the key file ${path}`);
}
