/**
 * The small interfaces through which one sync talks to the outside: who answers questions, where access keys
 * live, how progress is shown. The bot, the command line and the tests each plug in their own.
 */

import type { SignonInfo } from '../ofx/types.ts';

/** The profile's SIGNONINFO flags a sync acts on (OFX 2.2 §7.2.2), as last read from the bank. */
export type ProfileFlags = Pick<
  SignonInfo,
  | 'mfaChallengeSupported'
  | 'mfaChallengeFirst'
  | 'clientUidRequired'
  | 'userCred1Label'
  | 'userCred2Label'
  | 'authTokenFirst'
  | 'authTokenLabel'
>;

/** What the engine needs to know about one bank connection; secrets are decrypted in memory only. */
export interface ConnectionConfig {
  /** Opaque, stable id (database row id); used for key storage and the one-sync-at-a-time lock. */
  id: string;
  name: string;
  url: string;
  org: string | null;
  fid: string | null;
  /** OFX version: "102", "103", "203", "211", "220". */
  version: string;
  appId: string;
  appVer: string;
  /** Generated once per connection, never changed. */
  clientUid: string;
  userId: string;
  password: string;
  userCred1: string | null;
  userCred2: string | null;
  authToken: string | null;
  /** Aggregate name for answers in SONRQ; some banks (and the 2.2 schema) want MFACHALLENGEANSWER. */
  answerAggregate: 'MFACHALLENGEA' | 'MFACHALLENGEANSWER';
}

/** A question a person must answer (client-side MFA101..MFA107 never reach a Challenger). */
export interface ChallengeQuestion {
  /** MFAPHRASEID, the key answers are returned under. */
  id: string;
  /** What to show: the bank's label, else the standard label, else the id. */
  prompt: string;
}

export type ChallengeOutcome =
  | { kind: 'answered'; answers: ReadonlyMap<string, string> }
  | { kind: 'cancelled' }
  | { kind: 'timeout' }
  /** Nobody can answer here (no terminal, no answers file, or the file lacks some answers); `reason` says how to fix it. */
  | { kind: 'unavailable'; reason: string };

export interface ChallengeContext {
  connectionId: string;
  connectionName: string;
  /**
   * How long the person has. The machine enforces it itself (the wait ends as `timeout` whatever the Challenger
   * does); a Challenger uses it to tell the person and to stop waiting.
   */
  timeoutMs: number;
  /**
   * Aborted when the wait is over for any reason other than the Challenger's own answer: the sync was cancelled
   * or is shutting down, or the timeout passed. The machine has then already settled the outcome; the Challenger
   * only cleans up (closes its prompt, edits its message).
   */
  signal: AbortSignal;
  /** Every phrase the bank asked, client-side ones included, with the bank's label (for the record; never answers). */
  asked: ReadonlyArray<{ id: string; label: string | null }>;
}

export interface Challenger {
  ask(questions: readonly ChallengeQuestion[], context: ChallengeContext): Promise<ChallengeOutcome>;
}

export interface KeyStore {
  get(connectionId: string): Promise<string | null>;
  set(connectionId: string, accessKey: string): Promise<void>;
  /** The bank no longer accepts the key (3000) or the user asked to forget it. */
  clear(connectionId: string, reason: string): Promise<void>;
}

export type SyncStage =
  | 'profile'
  | 'signing-on'
  | 'challenge-requested'
  | 'waiting-for-answers'
  | 'sending-answers'
  | 'discovering-accounts'
  | 'downloading'
  | 'done';

/**
 * Where a sync's stages go. Each stage is reported when it begins (before its request is sent). `update` may
 * return a promise (editing a Discord reply): the machine does not wait for it before going on, so a slow display
 * never delays the bank, and a display that fails never fails the sync; the sync's result is returned only after
 * every update it started has settled, so a late stage can never overwrite the final message. Rate limiting is
 * the front end's business.
 */
export interface Progress {
  update(stage: SyncStage, detail?: string): void | Promise<void>;
}
