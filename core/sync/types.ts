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
  /** Server quirks by fi.cfg's names (core/ofx/quirks.ts), applied to every request; absent: none. */
  quirks?: Readonly<Record<string, string>>;
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
  /** How long the person has; the Challenger resolves `timeout` when it passes. */
  timeoutMs: number;
  /** Aborted when the sync gives up (e.g. shutting down); resolve `cancelled` then. */
  signal: AbortSignal;
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

export interface Progress {
  update(stage: SyncStage, detail?: string): void;
}
