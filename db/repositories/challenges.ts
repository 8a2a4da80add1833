/**
 * Challenges asked during a run: the bank's questions, who may answer, until when, where the question message
 * went, and how it ended. Never the answers. A row whose outcome is NULL is waiting for its person (DESIGN 5): any
 * process can tell from the row alone whether a click belongs to a live challenge of that member.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { challenges, syncRuns } from '../schema.ts';
import { isRunOrphaned, thisProcessOwner } from './sync-runs.ts';
import type { AskedQuestion, ChallengeRecordOutcome, ChallengeRow } from '../schema.ts';

/** What a front end needs to relay a waiting challenge; all optional so a challenge recorded after the fact fits. */
export interface ChallengeRelay {
  /** Random and opaque (see newRelayId); the id a front end puts in its custom ids. */
  relayId?: string;
  /** The only member who may answer. */
  memberId?: number;
  expiresAt?: Date;
}

/** 16 random bytes, base64url: unguessable, and short enough for Discord's 100-character custom ids. */
export function newRelayId(): string {
  return randomBytes(16).toString('base64url');
}

/** Records a challenge (waiting: outcome NULL) and marks the run as challenged. */
export function recordChallenge(
  db: Database,
  runId: number,
  questions: readonly AskedQuestion[],
  relay: ChallengeRelay = {},
  now: Date = new Date(),
): number {
  return db.orm.transaction((tx) => {
    // Copy only id and label, so a caller's richer object (with answers, say) can never slip into the row.
    const asked = questions.map(({ id, label }) => ({ id, label: label ?? null }));
    const row = tx
      .insert(challenges)
      .values({
        syncRunId: runId,
        questions: asked,
        askedAt: now.toISOString(),
        relayId: relay.relayId ?? null,
        memberId: relay.memberId ?? null,
        expiresAt: relay.expiresAt?.toISOString() ?? null,
      })
      .returning({ id: challenges.id })
      .get();
    if (!row) throw new Error('the challenge was not recorded');
    tx.update(syncRuns).set({ challenged: true }).where(eq(syncRuns.id, runId)).run();
    return row.id;
  });
}

/**
 * Settles a challenge. Only forward: a waiting row takes any outcome, an answered one becomes accepted or rejected;
 * a row already settled otherwise (expired by a shutdown, say) keeps its outcome. False when nothing changed.
 */
export function resolveChallenge(
  db: Database,
  challengeId: number,
  outcome: ChallengeRecordOutcome,
  now: Date = new Date(),
): boolean {
  const from =
    outcome === 'accepted' || outcome === 'rejected'
      ? or(isNull(challenges.outcome), eq(challenges.outcome, 'answered'))
      : isNull(challenges.outcome);
  const result = db.orm
    .update(challenges)
    .set({ outcome, resolvedAt: now.toISOString() })
    .where(and(eq(challenges.id, challengeId), from))
    .run();
  return result.changes > 0;
}

export function getChallenge(db: Database, challengeId: number): ChallengeRow | null {
  return db.orm.select().from(challenges).where(eq(challenges.id, challengeId)).get() ?? null;
}

/** The challenge behind a button or modal; check memberId, outcome (NULL = waiting) and expiresAt before acting. */
export function getChallengeByRelayId(db: Database, relayId: string): ChallengeRow | null {
  return db.orm.select().from(challenges).where(eq(challenges.relayId, relayId)).get() ?? null;
}

/** Where the question message went (a DM, or the /sync reply when DMs are closed), to edit it later. */
export function setChallengeMessage(db: Database, challengeId: number, channelId: string, messageId: string): void {
  db.orm
    .update(challenges)
    .set({ messageChannelId: channelId, messageId })
    .where(eq(challenges.id, challengeId))
    .run();
}

/**
 * Marks every waiting challenge 'expired' and returns them (with their message ids), so the bot can edit their
 * messages: at start-up for challenges a crash left waiting, at shutdown for its own. Atomic: a row settled by its
 * sync at the same moment is not returned.
 */
/**
 * Which waiting challenges to expire: 'orphaned' (at a front end's start: their sync is over or its process died,
 * so nobody can answer them) or 'this-process' (at its stop: the syncs it runs are about to give up). A challenge
 * another live process waits on, such as `ofx-mfa sync` asking at a terminal, is never touched.
 */
export type ChallengeExpiryScope = 'orphaned' | 'this-process';

/** Marks the waiting challenges of the scope expired, once, and returns them (with their message ids). */
export function expireWaitingChallenges(db: Database, scope: ChallengeExpiryScope, now: Date = new Date()): ChallengeRow[] {
  const me = thisProcessOwner();
  return db.orm.transaction(
    (tx) => {
      const waiting = tx
        .select({ id: challenges.id, run: syncRuns })
        .from(challenges)
        .innerJoin(syncRuns, eq(challenges.syncRunId, syncRuns.id))
        .where(isNull(challenges.outcome))
        .all()
        .filter(({ run }) =>
          scope === 'orphaned' ? isRunOrphaned(run, now) : run.ownerInstance === me.ownerInstance && run.ownerPid === me.ownerPid && run.ownerHost === me.ownerHost,
        );
      if (waiting.length === 0) return [];
      return tx
        .update(challenges)
        .set({ outcome: 'expired', resolvedAt: now.toISOString() })
        .where(and(inArray(challenges.id, waiting.map((w) => w.id)), isNull(challenges.outcome)))
        .returning()
        .all();
    },
    { behavior: 'immediate' },
  );
}

export function listChallenges(db: Database, runId: number): ChallengeRow[] {
  return db.orm.select().from(challenges).where(eq(challenges.syncRunId, runId)).orderBy(challenges.id).all();
}
