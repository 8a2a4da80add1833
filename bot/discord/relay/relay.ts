/**
 * The challenge relay (DESIGN 4.4, 5). A sync that needs answers gets a Challenger from here: it DMs the owner the
 * questions with Answer/Cancel buttons (or puts them on the /sync reply when DMs are closed), collects the answers
 * through modals of up to five questions, and hands them to the sync once. Every click and submit is checked
 * against the challenge's row in the database, so a foreign, expired or finished challenge is told apart by any
 * process; only the waiting sync itself lives in memory. Answers are never echoed, logged or stored, and this
 * module drops its copy the moment they are handed over.
 */
import { MessageFlags, Routes, type ButtonInteraction, type ModalSubmitInteraction, type User } from 'discord.js';
import type { ChallengeOutcome, ChallengeQuestion } from '../../../core/sync/types.ts';
import { getChallengeByRelayId, getConnectionById, setChallengeMessage, type ChallengeRow } from '../../../db/index.ts';
import type { FrontChallenger, RecordedChallenge } from '../../sync-service.ts';
import { checkAnswer } from '../../validate.ts';
import { discordCode, DISCORD_CODES } from '../errors.ts';
import type { LiveReply } from '../live-reply.ts';
import { buildModal } from '../modals.ts';
import type { ComponentHandler, ComponentInteraction } from '../router.ts';
import { memberOf, type BotServices } from '../services.ts';
import {
  answerButtons,
  challengeText,
  modalFields,
  modalTitle,
  pageCount,
  pageOf,
  parseRelayStep,
  QUESTIONS_PER_MODAL,
  settledText,
  tryAgainButton,
  type ChallengeView,
  type Settlement,
} from './messages.ts';

/** Where the questions went, so the relay can edit that message later. */
type Where = { kind: 'dm'; channelId: string; messageId: string } | { kind: 'reply'; reply: LiveReply };

interface Waiter {
  view: ChallengeView;
  /** The connection's OFX version: 1.x sends answers as Windows-1252, so what it cannot carry is refused here. */
  version: string | undefined;
  memberId: number;
  /** Null only while the message is being sent. */
  where: Where | null;
  /** What to say on the message once it exists, when the wait ended while it was being sent. */
  pendingEdit?: Settlement;
  /** Filled page by page; handed to the sync whole, then replaced by an empty map. */
  answers: Map<string, string>;
  state: 'waiting' | 'sent' | 'closed';
  resolve(outcome: ChallengeOutcome): void;
}

/** Who a sync's questions go to, and how to reach them. */
export interface RelayTarget {
  user: User;
  /** The /sync reply, when a person is watching one; carries the buttons when DMs are closed. */
  reply?: LiveReply;
  trigger: string;
  scheduleLabel?: string | null;
  /** A scheduled sync of a member who turned schedule DMs off: end as answers-needed instead of asking. */
  dmsAllowed?: boolean;
  /** Set by the relay: the challenge this target was asked, to settle its message when the sync ends. */
  relayId?: string;
}

export class ChallengeRelay {
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly services: () => BotServices) {}

  challenger(target: RelayTarget): FrontChallenger {
    return {
      ask: (questions, context) => this.ask(target, questions, context.challenge, context.signal),
    };
  }

  private async ask(
    target: RelayTarget,
    questions: readonly ChallengeQuestion[],
    challenge: RecordedChallenge,
    signal: AbortSignal,
  ): Promise<ChallengeOutcome> {
    const { log, app } = this.services();
    target.relayId = challenge.relayId;
    if (target.dmsAllowed === false) {
      return { kind: 'unavailable', reason: 'the bank asks security questions and your schedule DMs are off; run /sync to answer them' };
    }
    const view: ChallengeView = {
      relayId: challenge.relayId,
      connectionName: challenge.connectionName,
      trigger: target.trigger,
      scheduleLabel: target.scheduleLabel,
      questions,
      expiresAt: challenge.expiresAt,
    };
    const message = { content: challengeText(view), components: [answerButtons(challenge.relayId, 0, pageCount(questions))] };
    let resolveOutcome!: (outcome: ChallengeOutcome) => void;
    const outcome = new Promise<ChallengeOutcome>((resolve) => (resolveOutcome = resolve));
    // Registered before the message goes out: a click can arrive as soon as the member sees it.
    const waiter: Waiter = {
      view,
      version: getConnectionById(app.db, challenge.connectionId)?.version,
      memberId: challenge.memberId,
      where: null,
      answers: new Map(),
      state: 'waiting',
      resolve: (result) => {
        signal.removeEventListener('abort', onAbort);
        resolveOutcome(result);
      },
    };
    // The sync ended the wait (its timeout, a cancel, shutdown): it has settled the outcome; the message is
    // edited when the sync's report arrives (settle) or by closeAll.
    const onAbort = () => {
      if (waiter.state !== 'waiting') return;
      waiter.state = 'closed';
      waiter.answers = new Map();
      waiter.resolve({ kind: 'cancelled' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.waiters.set(view.relayId, waiter);
    try {
      const sent = await target.user.send(message);
      waiter.where = { kind: 'dm', channelId: sent.channelId, messageId: sent.id };
      setChallengeMessage(app.db, challenge.id, sent.channelId, sent.id);
    } catch (error) {
      if (discordCode(error) !== DISCORD_CODES.cannotDmUser || !target.reply?.alive()) {
        this.waiters.delete(view.relayId);
        signal.removeEventListener('abort', onAbort);
        if (discordCode(error) !== DISCORD_CODES.cannotDmUser) throw error;
        log.info({ event: 'relay.dm-closed', relayId: challenge.relayId, fallback: false });
        return { kind: 'unavailable', reason: 'the bank asks security questions and your DMs are closed to this bot; open them, then run /sync' };
      }
      log.info({ event: 'relay.dm-closed', relayId: challenge.relayId, fallback: true });
      waiter.where = { kind: 'reply', reply: target.reply };
      await target.reply.finish({
        content: `${message.content}\n(Your DMs are closed to this bot, so the questions are here.)`,
        components: message.components,
      });
    }
    log.info({ event: 'relay.asked', relayId: challenge.relayId, questions: questions.length, via: waiter.where.kind });
    if (waiter.pendingEdit) await this.edit(waiter, waiter.pendingEdit);
    return outcome;
  }

  /** The sync ended: say on the question message what the bank did. */
  async settle(relayId: string, settlement: Settlement): Promise<void> {
    const waiter = this.waiters.get(relayId);
    if (!waiter) return;
    this.waiters.delete(relayId);
    waiter.state = 'closed';
    waiter.answers = new Map();
    await this.edit(waiter, settlement);
  }

  /** Shutting down: every waiting challenge's message says the bot restarted (its row is expired by the caller). */
  async closeAll(): Promise<void> {
    const open = [...this.waiters.values()];
    this.waiters.clear();
    await Promise.allSettled(
      open.map(async (waiter) => {
        const wasWaiting = waiter.state === 'waiting';
        waiter.state = 'closed';
        waiter.answers = new Map();
        if (wasWaiting) {
          waiter.resolve({ kind: 'cancelled' });
          await this.edit(waiter, { kind: 'restarted' });
        }
      }),
    );
  }

  /** Edits a DM left by an earlier process (its row says where), e.g. after a crash. */
  async editStored(row: Pick<ChallengeRow, 'messageChannelId' | 'messageId'>, connectionName: string, settlement: Settlement): Promise<void> {
    if (!row.messageChannelId || !row.messageId) return;
    const { client, log } = this.services();
    try {
      await client.rest.patch(Routes.channelMessage(row.messageChannelId, row.messageId), {
        body: { content: settledText(connectionName, settlement), components: [] },
      });
    } catch (error) {
      log.warn({ event: 'relay.edit-failed', code: discordCode(error), err: error });
    }
  }

  private async edit(waiter: Waiter, settlement: Settlement): Promise<void> {
    if (!waiter.where) {
      waiter.pendingEdit = settlement;
      return;
    }
    const content = settledText(waiter.view.connectionName, settlement);
    const components = settlement.kind === 'rejected' ? [tryAgainButton(waiter.view.relayId)] : [];
    if (waiter.where.kind === 'reply') {
      await waiter.where.reply.finish({ content, components });
      return;
    }
    const { client, log } = this.services();
    try {
      await client.rest.patch(Routes.channelMessage(waiter.where.channelId, waiter.where.messageId), {
        body: { content, components: components.map((c) => c.toJSON()) },
      });
    } catch (error) {
      log.warn({ event: 'relay.edit-failed', relayId: waiter.view.relayId, code: discordCode(error), err: error });
    }
  }

  /** Buttons and modal submits with custom ids `r:<relayId>:<step>`. */
  readonly component: ComponentHandler = {
    prefix: 'r',
    handle: (interaction, rest, services) => this.onComponent(interaction, rest, services),
  };

  private async onComponent(interaction: ComponentInteraction, rest: string, services: BotServices): Promise<void> {
    const parsed = parseRelayStep(rest);
    const row = parsed ? getChallengeByRelayId(services.app.db, parsed.relayId) : null;
    if (!parsed || !row) return refuse(interaction, 'This challenge is unknown to the bot; run `/sync` again.');
    const member = memberOf(services, interaction.user);
    if (row.memberId !== member.id) {
      services.log.warn({ event: 'relay.foreign-click', relayId: parsed.relayId, user: interaction.user.id });
      return refuse(interaction, 'This challenge belongs to someone else; only they can answer it.');
    }
    const { relayId, step } = parsed;
    if (step === 't') {
      if (!interaction.isButton()) return refuse(interaction, 'Run `/sync` again.');
      if (row.outcome !== 'rejected') return refuse(interaction, 'Only a rejected challenge has Try again; run `/sync` instead.');
      await services.syncs.tryAgain(interaction, member, row);
      return;
    }
    const waiter = this.waiters.get(relayId);
    if (!waiter || waiter.state !== 'waiting' || row.outcome !== null) {
      return refuse(interaction, finishedLine(row));
    }
    if (step === 'x') {
      waiter.state = 'closed';
      waiter.answers = new Map();
      this.waiters.delete(relayId);
      services.log.info({ event: 'relay.cancelled', relayId });
      let updated = false;
      try {
        if (interaction.isButton()) await interaction.update({ content: settledText(waiter.view.connectionName, { kind: 'cancelled' }), components: [] });
        updated = true;
      } finally {
        // Even when Discord refuses the acknowledgement (10062, 40060) the sync must not be left waiting, and
        // the message must lose its buttons some other way.
        waiter.resolve({ kind: 'cancelled' });
        if (!updated) await this.edit(waiter, { kind: 'cancelled' });
      }
      return;
    }
    const total = pageCount(waiter.view.questions);
    const page = Number(step.slice(1));
    if (!Number.isInteger(page) || page < 0 || page >= total) return refuse(interaction, 'This button is out of date; use the latest one.');
    if (step.startsWith('a') && interaction.isButton()) {
      await interaction.showModal(
        buildModal(`r:${relayId}:m${page}`, modalTitle(waiter.view.connectionName, page, total), modalFields(pageOf(waiter.view.questions, page))),
      );
      return;
    }
    if (step.startsWith('m') && interaction.isModalSubmit()) {
      await this.submitPage(interaction, waiter, page, total);
      return;
    }
    return refuse(interaction, 'This button is out of date; use the latest one.');
  }

  private async submitPage(interaction: ModalSubmitInteraction, waiter: Waiter, page: number, total: number): Promise<void> {
    const { log } = this.services();
    // Checked before any is kept (length, characters the bank's encoding can carry); the error never echoes one.
    const page_ = pageOf(waiter.view.questions, page).map((q, i) => [q.id, checkAnswer(q.id, interaction.fields.getTextInputValue(`q${i}`), waiter.version)] as const);
    for (const [id, value] of page_) waiter.answers.set(id, value);
    const unanswered = waiter.view.questions.findIndex((q) => !waiter.answers.has(q.id));
    if (unanswered >= 0) {
      const next = Math.floor(unanswered / QUESTIONS_PER_MODAL);
      log.info({ event: 'relay.page', relayId: waiter.view.relayId, page, of: total });
      await updateOrReply(interaction, {
        content: `${challengeText(waiter.view)}\n\nForm ${page + 1} of ${total} received. Press **Next questions** for the rest.`,
        components: [answerButtons(waiter.view.relayId, next, total)],
      });
      return;
    }
    const answers = waiter.answers;
    waiter.answers = new Map();
    waiter.state = 'sent';
    log.info({ event: 'relay.answered', relayId: waiter.view.relayId });
    try {
      // Acknowledged first, so that the sync's own edit of this message (the bank's verdict) comes after it.
      await updateOrReply(interaction, { content: `**${waiter.view.connectionName}**: sending your answers to the bank…`, components: [] });
    } finally {
      // Handed over once, even when Discord refused the acknowledgement (10062: the 3 s window missed): the
      // sync goes on and reports on the /sync reply and the DM. It keeps no copy either.
      waiter.resolve({ kind: 'answered', answers });
    }
  }
}

function finishedLine(row: ChallengeRow): string {
  switch (row.outcome) {
    case 'expired':
      return 'This challenge expired when the bot restarted; nothing was sent to the bank. Run `/sync` again.';
    case 'timeout':
      return 'This challenge expired before it was answered; nothing was sent to the bank. Run `/sync` again.';
    case 'cancelled':
      return 'This challenge was cancelled; run `/sync` again to start over.';
    case 'unavailable':
      return 'This challenge ended without answers; run `/sync` to answer the bank.';
    case 'answered':
    case 'accepted':
    case 'rejected':
      return 'This challenge was already answered; the answers are never sent twice.';
    default:
      return 'This challenge is no longer waiting here (the bot may have restarted); run `/sync` again.';
  }
}

async function refuse(interaction: ButtonInteraction | ModalSubmitInteraction, line: string): Promise<void> {
  await interaction.reply({ content: line, flags: MessageFlags.Ephemeral });
}

async function updateOrReply(interaction: ModalSubmitInteraction, body: { content: string; components: ReturnType<typeof answerButtons>[] }) {
  if (interaction.isFromMessage()) await interaction.update(body);
  else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
}
