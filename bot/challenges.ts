/**
 * The challenge relay's record (DESIGN 5): before a front end is asked, the waiting challenge is written to the
 * database (who may answer, until when, an opaque relay id), so any process can tell a click on a foreign, expired
 * or finished challenge from the row alone. The front end gets that record with the questions.
 */
import type { ChallengeContext, ChallengeOutcome, ChallengeQuestion, Challenger } from '../core/sync/types.ts';
import { newRelayId, recordChallenge, resolveChallenge, type Database, type SyncTrigger } from '../db/index.ts';

export interface RecordedChallenge {
  /** The challenges row. */
  id: number;
  /** Opaque and random: what custom ids carry. */
  relayId: string;
  /** The only member who may answer. */
  memberId: number;
  connectionId: number;
  connectionName: string;
  /** What started the sync (a DM names it: `/sync`, the schedule). */
  trigger: SyncTrigger;
  expiresAt: Date;
  /** The questions a person answers (client-side phrases are answered by ofx-mfa and never shown). */
  questions: ChallengeQuestion[];
}

/**
 * A front end's way of asking the person. It resolves with the person's answers, or `cancelled`/`timeout`/
 * `unavailable`; when `context.signal` aborts, the sync has already ended the wait (cancel, timeout, shutdown) and
 * the front end only cleans up. The command line's challengers fit as they are (they ignore `challenge`).
 */
export interface FrontChallenger {
  ask(
    questions: readonly ChallengeQuestion[],
    context: ChallengeContext & { challenge: RecordedChallenge },
  ): Promise<ChallengeOutcome>;
}

export interface RecordingContext {
  runId: number;
  memberId: number;
  connectionId: number;
  connectionName: string;
  trigger: SyncTrigger;
  now: () => Date;
}

/** The core Challenger for one sync: records the waiting challenge, then asks the front end. */
export class RecordingChallenger implements Challenger {
  /** The challenge recorded in this sync, if the machine asked one. */
  recorded: RecordedChallenge | null = null;

  constructor(
    private readonly db: Database,
    private readonly front: FrontChallenger,
    private readonly info: RecordingContext,
  ) {}

  async ask(questions: readonly ChallengeQuestion[], context: ChallengeContext): Promise<ChallengeOutcome> {
    const askedAt = this.info.now();
    const relayId = newRelayId();
    const expiresAt = new Date(askedAt.getTime() + context.timeoutMs);
    const id = recordChallenge(this.db, this.info.runId, context.asked, { relayId, memberId: this.info.memberId, expiresAt }, askedAt);
    const challenge: RecordedChallenge = {
      id,
      relayId,
      memberId: this.info.memberId,
      connectionId: this.info.connectionId,
      connectionName: this.info.connectionName,
      trigger: this.info.trigger,
      expiresAt,
      questions: questions.map((q) => ({ ...q })),
    };
    this.recorded = challenge;
    const outcome = await this.front.ask(questions, { ...context, challenge });
    // Answered: the row stops waiting at once, so a second submit finds it taken while the bank is asked. Other
    // outcomes are settled by the service from the machine's result (the machine may have ended the wait first).
    if (outcome.kind === 'answered') resolveChallenge(this.db, id, 'answered', this.info.now());
    return outcome;
  }
}
