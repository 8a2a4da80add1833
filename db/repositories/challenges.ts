/** The record of challenges asked during a run: the bank's questions and how it ended. Never the answers. */
import { eq } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { challenges, syncRuns } from '../schema.ts';
import type { AskedQuestion, ChallengeRecordOutcome, ChallengeRow } from '../schema.ts';

/** Also marks the run as challenged. */
export function recordChallenge(db: Database, runId: number, questions: readonly AskedQuestion[]): number {
  return db.orm.transaction((tx) => {
    // Copy only id and label, so a caller's richer object (with answers, say) can never slip into the row.
    const asked = questions.map(({ id, label }) => ({ id, label: label ?? null }));
    const row = tx
      .insert(challenges)
      .values({ syncRunId: runId, questions: asked, askedAt: new Date().toISOString() })
      .returning({ id: challenges.id })
      .get();
    if (!row) throw new Error('the challenge was not recorded');
    tx.update(syncRuns).set({ challenged: true }).where(eq(syncRuns.id, runId)).run();
    return row.id;
  });
}

export function resolveChallenge(db: Database, challengeId: number, outcome: ChallengeRecordOutcome): void {
  const result = db.orm
    .update(challenges)
    .set({ outcome, resolvedAt: new Date().toISOString() })
    .where(eq(challenges.id, challengeId))
    .run();
  if (result.changes === 0) throw new Error(`challenge ${challengeId} does not exist`);
}

export function listChallenges(db: Database, runId: number): ChallengeRow[] {
  return db.orm.select().from(challenges).where(eq(challenges.syncRunId, runId)).orderBy(challenges.id).all();
}
