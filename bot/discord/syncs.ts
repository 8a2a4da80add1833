/**
 * Running syncs for Discord: from `/sync` (a deferred ephemeral reply edited as the sync moves, then a DM when the
 * reply's token has run out), from `Try again`, and from schedules. Every sync goes through bot/sync-service.ts;
 * this file only decides who is asked, where progress shows and where the result is told.
 */
import { MessageFlags, type ButtonInteraction, type RepliableInteraction, type User } from 'discord.js';
import {
  getConnection,
  getConnectionById,
  getMember,
  getSyncRun,
  holdOfRow,
  listConnections,
  listMemberSchedules,
  listSyncRuns,
  markScheduleNotified,
  recordScheduledOutcome,
  type ChallengeRow,
  type ConnectionRow,
  type Member,
  type ScheduleRow,
  type SyncTrigger,
} from '../../db/index.ts';
import type { Progress } from '../../core/sync/types.ts';
import { STAGE_TEXT } from '../cli/commands/sync.ts';
import { syncConnection, type SyncReport } from '../sync-service.ts';
import { discordCode, MemberError, memberLine } from './errors.ts';
import { newTransactionsTotal, reportLines } from './format.ts';
import { postHouseholdSummary } from './household.ts';
import { causeOf, scheduledResult, scheduleFailureText, toldByChallengeDm, type FailureCause } from './schedule-failures.ts';
import { LiveReply, TOKEN_LIFETIME_MS } from './live-reply.ts';
import { tryAgainButton, type Settlement } from './relay/messages.ts';
import type { RelayTarget } from './relay/relay.ts';
import type { BotServices } from './services.ts';

export interface DiscordSyncsOptions {
  /** How long a /sync reply can be edited; the real token lives 15 minutes (tests shorten it). */
  tokenLifetimeMs?: number;
}

export function settlementOf(report: SyncReport): Settlement {
  switch (report.outcome) {
    case 'ok': {
      const n = newTransactionsTotal(report);
      return { kind: 'accepted', keySaved: report.accessKeyStored, summary: `${n} new transaction${n === 1 ? '' : 's'}.` };
    }
    case 'answers-rejected':
      return { kind: 'rejected' };
    case 'challenge-expired':
      return { kind: 'expired' };
    case 'challenge-cancelled':
      return { kind: 'cancelled' };
    default:
      return { kind: 'failed', line: report.status.message ?? report.outcome };
  }
}

export class DiscordSyncs {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  private readonly tokenLifetimeMs: number;

  constructor(
    private readonly services: () => BotServices,
    options: DiscordSyncsOptions = {},
  ) {
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
  }

  /** `/sync [bank]`: defer at once, then one line per connection, edited as each moves. */
  async fromInteraction(interaction: RepliableInteraction, member: Member, name: string | null, trigger: SyncTrigger): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { app } = this.services();
    let rows: ConnectionRow[];
    if (name) {
      const row = getConnection(app.db, member.id, name);
      if (!row) throw new MemberError(`You have no connection named "${name}" (see /bank list).`);
      rows = [row];
    } else {
      rows = listConnections(app.db, member.id).map((c) => getConnection(app.db, member.id, c.name)).filter((r): r is ConnectionRow => r !== null);
    }
    if (rows.length === 0) {
      await interaction.editReply('You have no bank connections yet; add one with `/bank add`.');
      return;
    }
    await this.runWithReply(interaction, member, rows, trigger);
  }

  /** `Try again` on a rejected challenge: a fresh sync of the same connection, never a resend. */
  async tryAgain(interaction: ButtonInteraction, member: Member, challenge: ChallengeRow): Promise<void> {
    const { app } = this.services();
    const run = getSyncRun(app.db, challenge.syncRunId);
    const row = run ? getConnectionById(app.db, run.connectionId) : null;
    if (!row || row.memberId !== member.id) throw new MemberError('This connection is gone; see /bank list.');
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.runWithReply(interaction, member, [row], 'button');
  }

  private async runWithReply(interaction: RepliableInteraction, member: Member, rows: ConnectionRow[], trigger: SyncTrigger): Promise<void> {
    const { log, now, limits } = this.services();
    // Counted where a sync would start, after the cheap refusals (unknown name, no connections): those reach no bank.
    limits.takeOrRefuse('sync', member.id);
    const live = new LiveReply(interaction, log, () => now().getTime(), this.tokenLifetimeMs);
    const notices = this.scheduleNotices(member);
    const lines: string[][] = rows.map((r) => [`**${r.name}**: waiting…`]);
    const render = () => [...notices, ...lines.flat()].join('\n');
    const components = [];
    live.update({ content: render() });

    for (const [i, row] of rows.entries()) {
      const target: RelayTarget = { user: interaction.user, reply: live, trigger };
      const report = await this.run(member, row, target, {
        update: (stage, detail) => {
          // The final report replaces it at once; a "done" edit would only flash.
          if (stage === 'done') return;
          lines[i] = [`**${row.name}**: ${stage === 'waiting-for-answers' ? `the bank asks security questions${detail ? ` (${detail})` : ''}: answer them in the DM I sent you` : `${STAGE_TEXT[stage]}${detail ? ` (${detail})` : ''}…`}`];
          live.update({ content: render() });
        },
      }, true).catch((error: unknown) => {
        lines[i] = [`**${row.name}**: ${memberLine(error)}`];
        return null;
      });
      if (!report) continue;
      lines[i] = reportLines(report);
      if (report.outcome === 'answers-rejected' && target.relayId) components.push(tryAgainButton(target.relayId));
      await postHouseholdSummary(this.services(), member, report, interaction.guildId);
    }

    const content = render();
    if (await live.finish({ content, components })) return;
    // The reply's token ran out while the sync went on: tell the member by DM rather than not at all.
    await this.dm(interaction.user, { content: `Your sync finished after its reply could no longer be edited:\n${content}`, components });
  }

  /** A scheduled run of one connection; the owner is asked by DM (unless they turned schedule DMs off). */
  async scheduled(schedule: ScheduleRow): Promise<SyncReport | null> {
    const services = this.services();
    const row = getConnectionById(services.app.db, schedule.connectionId);
    const member = row ? getMember(services.app.db, row.memberId) : null;
    if (!row || !member?.discordUserId) return null;
    const user = await services.client.users.fetch(member.discordUserId);
    const target: RelayTarget = { user, trigger: 'schedule', scheduleLabel: schedule.every, dmsAllowed: member.scheduleDms };
    const started = services.now();
    const report = await this.run(member, row, target, undefined, false);
    const state = recordScheduledOutcome(services.app.db, schedule.id, scheduledResult(report), started);
    await postHouseholdSummary(services, member, report, null);
    const told = state?.failureKind && !state.notifiedAt ? await this.tellFailure(member.scheduleDms, user, row.name, state, report) : null;
    services.log.info({ event: 'schedule.ran', connectionId: row.id, outcome: report.outcome, failures: state?.failures, told });
    return report;
  }

  /**
   * The first failing run of a streak (or of a new kind of failure): the owner hears it once, by DM; with schedule
   * DMs off or DMs closed, at their next /sync. Says where it went; null when it waits for the /sync.
   */
  private async tellFailure(dmsAllowed: boolean, user: User, connectionName: string, state: ScheduleRow, report: SyncReport): Promise<'challenge-dm' | 'dm' | null> {
    const { app, now } = this.services();
    let told: 'challenge-dm' | 'dm' | null = null;
    if (toldByChallengeDm(report)) told = 'challenge-dm';
    else if (dmsAllowed && (await this.dm(user, { content: scheduleFailureText(connectionName, state, causeOf(report)), components: [] }))) told = 'dm';
    if (told) markScheduleNotified(app.db, state.id, now());
    return told;
  }

  private async run(member: Member, row: ConnectionRow, target: RelayTarget, progress: Progress | undefined, attended: boolean): Promise<SyncReport> {
    const services = this.services();
    const work = syncConnection(services.app, {
      connectionId: row.id,
      memberId: member.id,
      trigger: target.trigger as SyncTrigger,
      attended,
      challenger: services.relay.challenger(target),
      progress,
      challengeTimeoutMs: services.challengeTimeoutMs,
      signal: this.controller.signal,
      now: services.now,
    });
    this.running.add(work);
    try {
      const report = await work;
      if (target.relayId) await services.relay.settle(target.relayId, settlementOf(report));
      services.log.info({ event: 'sync.finished', connectionId: row.id, trigger: target.trigger, outcome: report.outcome, challenged: report.challenged });
      return report;
    } finally {
      this.running.delete(work);
    }
  }

  /** Failing schedules not told by DM (schedule DMs off, DMs closed), said once at the member's next /sync. */
  private scheduleNotices(member: Member): string[] {
    const { app, now } = this.services();
    const notices: string[] = [];
    for (const s of listMemberSchedules(app.db, member.id)) {
      if (!s.failureKind || s.notifiedAt) continue;
      if (s.failureKind === 'answers-needed') {
        const why = member.scheduleDms ? 'your DMs are closed to this bot' : 'your schedule DMs are off';
        notices.push(`ℹ️ Your scheduled sync of **${s.connectionName}** (${s.lastRunAt?.slice(0, 16).replace('T', ' ')} UTC) stopped: the bank asked security questions and ${why}. This sync asks them.`);
      } else {
        notices.push(scheduleFailureText(s.connectionName, s, this.storedCause(s.connectionId)));
      }
      markScheduleNotified(app.db, s.id, now());
    }
    return notices;
  }

  /** The cause as the database has it: the hold, else the last sync run's message (held runs write none). */
  private storedCause(connectionId: number): FailureCause {
    const { app } = this.services();
    const row = getConnectionById(app.db, connectionId);
    const hold = row ? holdOfRow(row) : null;
    const last = listSyncRuns(app.db, connectionId, 1)[0];
    return causeOf({ outcome: 'error', hold, status: { code: null, severity: 'ERROR', message: last?.message ?? null } });
  }

  /** True when it was sent. */
  private async dm(user: User, body: { content: string; components: ReturnType<typeof tryAgainButton>[] }): Promise<boolean> {
    try {
      await user.send(body);
      return true;
    } catch (error) {
      this.services().log.warn({ event: 'sync.dm-failed', user: user.id, code: discordCode(error), err: error });
      return false;
    }
  }

  /** Shutting down: waiting syncs give up (their challenges are expired by the caller). */
  abortAll(): void {
    this.controller.abort();
  }

  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
