/**
 * The bank's sign-on decisions and the per-user state behind them: wrong-answer counts, lockouts, issued
 * access keys. One function, `signOn`, reads top to bottom in the order a careful bank checks things:
 *
 *   user ID + password (15500) → locked out (15502) → CLIENTUID (15510) → USERCRED1 (15500)
 *   → a valid ACCESSKEY (0, skip the challenge) → answers (0 + new key, or 3001; three 3001s in a row lock out)
 *   → a challenge request (0 + the questions) → otherwise 3000.
 *
 * Choices where the spec leaves room, documented for clients:
 * - A request carrying MFACHALLENGETRNRQ gets SONRS 0 with the list in MFACHALLENGETRNRS, as in the spec's own
 *   example (OFX 2.1.1 §2.5.6): the sign-on itself was fine; the other transactions of that request are not answered.
 * - A missing or wrong USERCRED1 is 15500 (invalid credentials): it is part of the credentials, and 15511 is
 *   reserved for multi-factor trouble the client cannot fix.
 * - MFACHALLENGEFIRST users without a valid key (the profile tells clients so): the challenge request must come
 *   alone in its sign-on, before any other request. A request that bundles it with other work, or answers that
 *   come before a list was handed out, get 3000 with nothing processed (not even the challenge request): 3000 is
 *   what the spec answers a sign-on that lacks the challenge, and a request that bundles it is treated as lacking
 *   it. The client's way on is the one 3000 names: MFACHALLENGERQ, alone.
 * Nothing here ever echoes a password, key or answer.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { answersAccepted } from './answers.ts';
import type { SignonRequest } from './request.ts';
import type { SimUser } from './scenarios.ts';

export const DEFAULT_KEY_LIFETIME_MS = 30 * 86_400_000;
/** Wrong answer sets in a row that lock a user out. */
export const MAX_WRONG_ANSWER_SETS = 3;

export type SignonOutcome =
  /** Signed on: process the request. `newAccessKey` when answers were just accepted. */
  | { code: 0; kind: 'authenticated'; newAccessKey: string | null }
  /** Signed on only far enough to receive the challenge questions. */
  | { code: 0; kind: 'challenge' }
  | { code: 3000 | 3001 | 15500 | 15502 | 15510; kind: 'refused' };

export interface BankDefaults {
  keyLifetimeMs: number;
  mfaChallengeFirst: boolean;
  clientUidRequired: boolean;
}

export interface UserStateView {
  user: string;
  wrongAnswerSets: number;
  lockedOut: boolean;
  activeKeys: number;
}

interface UserState {
  wrongAnswerSets: number;
  lockedOut: boolean;
  challengeIssued: boolean;
}

interface KeyRecord {
  userId: string;
  expiresAt: number;
}

function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  // Hash first so lengths match; the comparison then takes the same time whatever the guess.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export class Authenticator {
  private readonly states = new Map<string, UserState>();
  private readonly keys = new Map<string, KeyRecord>();

  constructor(
    private readonly users: ReadonlyMap<string, SimUser>,
    private readonly defaults: BankDefaults,
    private readonly now: () => Date,
  ) {}

  /** The scenario's settings with the bank-wide defaults filled in. */
  settingsOf(user: SimUser): BankDefaults {
    const s = user.scenario;
    return {
      keyLifetimeMs: s.keyLifetimeMs ?? this.defaults.keyLifetimeMs,
      mfaChallengeFirst: s.mfaChallengeFirst ?? this.defaults.mfaChallengeFirst,
      clientUidRequired: s.clientUidRequired ?? this.defaults.clientUidRequired,
    };
  }

  private state(userId: string): UserState {
    let state = this.states.get(userId);
    if (!state) {
      state = { wrongAnswerSets: 0, lockedOut: false, challengeIssued: false };
      this.states.set(userId, state);
    }
    return state;
  }

  private keyIsValid(key: string | null, userId: string): boolean {
    if (key === null) return false;
    const record = this.keys.get(key);
    return record !== undefined && record.userId === userId && this.now().getTime() < record.expiresAt;
  }

  private issueKey(user: SimUser): string {
    const key = randomBytes(24).toString('base64url');
    this.keys.set(key, { userId: user.userId, expiresAt: this.now().getTime() + this.settingsOf(user).keyLifetimeMs });
    return key;
  }

  /**
   * `challengeRequested`: the request carries MFACHALLENGETRNRQ; `otherWork`: it carries any other transaction
   * too (profile included), which an MFACHALLENGEFIRST bank refuses in the challenge's sign-on.
   */
  signOn(signon: SignonRequest, challengeRequested: boolean, otherWork = false): SignonOutcome {
    const user = signon.userId === null ? undefined : this.users.get(signon.userId);
    if (!user || !sameSecret(signon.password, user.password)) return { code: 15500, kind: 'refused' };
    const state = this.state(user.userId);
    if (state.lockedOut) return { code: 15502, kind: 'refused' };
    const settings = this.settingsOf(user);
    if (settings.clientUidRequired && signon.clientUid === null) return { code: 15510, kind: 'refused' };
    const cred1 = user.scenario.userCred1;
    if (cred1 && !sameSecret(signon.userCred1, cred1.value)) return { code: 15500, kind: 'refused' };
    if (this.keyIsValid(signon.accessKey, user.userId)) return { code: 0, kind: 'authenticated', newAccessKey: null };

    if (settings.mfaChallengeFirst && challengeRequested && otherWork) return { code: 3000, kind: 'refused' };
    if (signon.answers.length > 0) {
      if (settings.mfaChallengeFirst && !state.challengeIssued) return { code: 3000, kind: 'refused' };
      if (answersAccepted(user.scenario.questions, signon.answers, this.now())) {
        state.wrongAnswerSets = 0;
        state.challengeIssued = false;
        if (user.scenario.challengeLoop) return { code: 3000, kind: 'refused' };
        return { code: 0, kind: 'authenticated', newAccessKey: this.issueKey(user) };
      }
      state.wrongAnswerSets += 1;
      if (state.wrongAnswerSets >= MAX_WRONG_ANSWER_SETS) state.lockedOut = true;
      return { code: 3001, kind: 'refused' };
    }
    if (challengeRequested) {
      state.challengeIssued = true;
      return { code: 0, kind: 'challenge' };
    }
    return { code: 3000, kind: 'refused' };
  }

  /** Revokes the keys of one user, or everyone's; returns how many were active. */
  revokeKeys(userId?: string): number {
    let revoked = 0;
    for (const [key, record] of this.keys) {
      if (userId !== undefined && record.userId !== userId) continue;
      if (this.now().getTime() < record.expiresAt) revoked += 1;
      this.keys.delete(key);
    }
    return revoked;
  }

  /** Clears lockouts and wrong-answer counters of one user, or everyone's. */
  reset(userId?: string): void {
    for (const [id, state] of this.states) {
      if (userId !== undefined && id !== userId) continue;
      state.wrongAnswerSets = 0;
      state.lockedOut = false;
      state.challengeIssued = false;
    }
  }

  view(userId: string): UserStateView {
    const state = this.states.get(userId);
    const nowMs = this.now().getTime();
    let activeKeys = 0;
    for (const record of this.keys.values()) if (record.userId === userId && nowMs < record.expiresAt) activeKeys += 1;
    return { user: userId, wrongAnswerSets: state?.wrongAnswerSets ?? 0, lockedOut: state?.lockedOut ?? false, activeKeys };
  }
}
