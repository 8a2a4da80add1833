/** Errors the database layer throws on purpose: one line each, never carrying a secret or a key. */

export class DbError extends Error {
  override name = 'DbError';
}

/** OFX_MFA_KEY or the key file cannot be used (malformed, wrong length, unsafe permissions). */
export class SecretKeyError extends DbError {
  override name = 'SecretKeyError';
}

/** Stored secrets do not decrypt: a different key than the one they were saved with, or tampered data. */
export class SecretKeyMismatchError extends DbError {
  override name = 'SecretKeyMismatchError';
  constructor() {
    super('cannot decrypt stored secrets: OFX_MFA_KEY or the key file is not the one they were saved with');
  }
}

/** A stored secret is not in a format this version writes (e.g. written by a newer ofx-mfa). */
export class SecretFormatError extends DbError {
  override name = 'SecretFormatError';
}

/** Another sync of the same connection is running and alive. */
export class SyncAlreadyRunningError extends DbError {
  override name = 'SyncAlreadyRunningError';
  constructor(
    readonly connectionId: number,
    readonly runningRunId: number,
    readonly runningSince: string,
  ) {
    super(`a sync of this connection is already running (since ${runningSince}); wait for it to finish`);
  }
}

/** The member already has a connection by that name. */
export class ConnectionExistsError extends DbError {
  override name = 'ConnectionExistsError';
  constructor(readonly connectionName: string) {
    super(`a connection named "${connectionName}" already exists`);
  }
}
