/**
 * What the owner of a failing schedule is told, once a streak: which connection, since when, the bank's one-line
 * reason and what to do. Pure functions of the sync report and the schedule row; bot/discord/syncs.ts decides
 * where it goes (a DM, else the next /sync).
 */
import type { Hold, ScheduledResult, ScheduleRow } from '../../db/index.ts';
import { describeHold, type SyncReport } from '../sync-service.ts';

/** How a scheduled run ended, for the schedule's streak: a hold is its own kind, whatever outcome set it. */
export function scheduledResult(report: SyncReport): ScheduledResult {
  if (report.outcome === 'ok') return { outcome: report.outcome, ended: 'ok' };
  // Another sync of the connection was running (a member's /sync): it tells its own story.
  if (report.outcome === 'already-running') return { outcome: report.outcome, ended: 'skipped' };
  return { outcome: report.outcome, ended: 'failed', kind: report.hold ? `hold:${report.hold.code}` : report.outcome };
}

/**
 * Runs whose questions went to the owner by DM: that DM is edited to say what happened (rejected with Try again,
 * expired, cancelled), so it is the one message of the streak.
 */
export function toldByChallengeDm(report: SyncReport): boolean {
  return report.outcome === 'answers-rejected' || report.outcome === 'challenge-expired' || report.outcome === 'challenge-cancelled';
}

/** What to do, by the hold's code; unattended syncs of a held connection do not reach the bank until then. */
const HOLD_NEXT: Record<number, string> = {
  3001: 'Scheduled syncs will not send answers again until you run `/sync` and answer the questions yourself.',
  15500:
    'Scheduled syncs will not sign on again until you act, so the bank does not lock you out: if the password changed, `/bank remove` and `/bank add` the connection again; if not, run `/sync` to try it yourself.',
  15502: 'Scheduled syncs will not sign on again until you act: call the bank to unlock the account, then run `/sync`.',
};
const KEEPS_TRYING = 'The schedule keeps trying, less often after 3 failures in a row; run `/sync` to try now.';

/** Why the streak fails, in one line: the hold's words when there is one, else what the bank or network said. */
export interface FailureCause {
  reason: string;
  hold: Hold | null;
}

export function causeOf(report: Pick<SyncReport, 'outcome' | 'status' | 'hold'>): FailureCause {
  return { reason: report.hold ? describeHold(report.hold).why : (report.status.message ?? report.outcome), hold: report.hold };
}

function since(schedule: Pick<ScheduleRow, 'failingSince' | 'lastRunAt'>): string {
  const at = schedule.failingSince ?? schedule.lastRunAt;
  return at ? ` since <t:${Math.floor(new Date(at).getTime() / 1000)}:f>` : '';
}

/** The DM (and the /sync notice), one line: which, since when, why, then what to do. */
export function scheduleFailureText(connectionName: string, schedule: Pick<ScheduleRow, 'every' | 'failingSince' | 'lastRunAt'>, cause: FailureCause): string {
  const next = cause.hold ? (HOLD_NEXT[cause.hold.code] ?? KEEPS_TRYING) : KEEPS_TRYING;
  const reason = cause.reason.replace(/\s+/g, ' ').replace(/\.$/, '');
  return [
    `⚠️ Your scheduled sync of **${connectionName}** (${schedule.every === 'daily' ? 'daily' : `every ${schedule.every}`}) has failed${since(schedule)}: ${reason}.`,
    `${next} I will not tell you again while it fails the same way.`,
  ].join(' ');
}
