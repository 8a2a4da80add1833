/** The words and buttons of the challenge relay (DESIGN 4.4), as pure functions of the challenge. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { ChallengeQuestion } from '../../../core/sync/types.ts';
import { DESCRIPTION_MAX, LABEL_MAX, cut, type ModalField } from '../modals.ts';

/** At most five inputs in a modal. */
export const QUESTIONS_PER_MODAL = 5;
/** Answers are short (a name, a year); the bank's own fields are rarely longer. */
export const ANSWER_MAX_LENGTH = 64;

export type RelayStep = `a${number}` | `m${number}` | 'x' | 't';

export function relayCustomId(relayId: string, step: RelayStep): string {
  return `r:${relayId}:${step}`;
}

/** `r:<relayId>:<step>` without the prefix → its parts; null when it is not ours. */
export function parseRelayStep(rest: string): { relayId: string; step: string } | null {
  const index = rest.lastIndexOf(':');
  if (index <= 0) return null;
  return { relayId: rest.slice(0, index), step: rest.slice(index + 1) };
}

export function pageCount(questions: readonly unknown[]): number {
  return Math.max(1, Math.ceil(questions.length / QUESTIONS_PER_MODAL));
}

export function pageOf<T>(questions: readonly T[], page: number): T[] {
  return questions.slice(page * QUESTIONS_PER_MODAL, (page + 1) * QUESTIONS_PER_MODAL);
}

/** What started the sync, as the member reads it. */
export function describeTrigger(trigger: string, scheduleLabel?: string | null): string {
  if (trigger === 'schedule') return `your scheduled sync${scheduleLabel ? ` (every ${scheduleLabel})` : ''}`;
  if (trigger === 'button') return 'your **Try again**';
  if (trigger === 'demo') return 'the demo';
  return 'your `/sync`';
}

export interface ChallengeView {
  relayId: string;
  connectionName: string;
  trigger: string;
  scheduleLabel?: string | null;
  questions: readonly ChallengeQuestion[];
  expiresAt: Date;
}

export function challengeText(view: ChallengeView): string {
  const n = view.questions.length;
  const lines = [
    `🔐 **${view.connectionName}**: the bank asks ${n} security question${n === 1 ? '' : 's'} for ${describeTrigger(view.trigger, view.scheduleLabel)}.`,
    ...view.questions.map((q, i) => `${i + 1}. ${q.prompt}`),
    '',
    `Press **Answer** to reply in a private form before <t:${Math.floor(view.expiresAt.getTime() / 1000)}:t>. ` +
      'Your answers go to the bank once and are never stored or shown again.',
  ];
  if (n > QUESTIONS_PER_MODAL) lines.push(`(${pageCount(view.questions)} forms of up to ${QUESTIONS_PER_MODAL} questions.)`);
  return lines.join('\n');
}

export function answerButtons(relayId: string, page = 0, total = 1): ActionRowBuilder<ButtonBuilder> {
  const label = total > 1 ? (page === 0 ? `Answer (1/${total})` : `Next questions (${page + 1}/${total})`) : 'Answer';
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(relayCustomId(relayId, `a${page}`)).setLabel(label).setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(relayCustomId(relayId, 'x')).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}

export function tryAgainButton(relayId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(relayCustomId(relayId, 't')).setLabel('Try again').setStyle(ButtonStyle.Primary),
  );
}

/** One modal page: inputs `q0`..`q4` (opaque), labels cut to 45 characters with the full question beneath. */
export function modalFields(questions: readonly ChallengeQuestion[]): ModalField[] {
  return questions.map((q, i) => ({
    customId: `q${i}`,
    label: q.prompt,
    description: q.prompt.length > LABEL_MAX ? cut(q.prompt, DESCRIPTION_MAX) : undefined,
    maxLength: ANSWER_MAX_LENGTH,
  }));
}

export function modalTitle(connectionName: string, page: number, total: number): string {
  return total > 1 ? `${connectionName}: questions ${page + 1}/${total}` : `${connectionName}: security questions`;
}

export type Settlement =
  | { kind: 'accepted'; keySaved: boolean; summary: string }
  | { kind: 'rejected' }
  | { kind: 'expired' }
  | { kind: 'cancelled' }
  | { kind: 'restarted' }
  | { kind: 'failed'; line: string };

export function settledText(connectionName: string, settlement: Settlement): string {
  switch (settlement.kind) {
    case 'accepted':
      return `✅ **${connectionName}**: the bank accepted your answers${settlement.keySaved ? ' and its access key is saved, so the next syncs ask nothing' : ''}. ${settlement.summary}`;
    case 'rejected':
      return `❌ **${connectionName}**: the bank rejected the answers (3001). They were not sent again: banks lock accounts after a few wrong tries. Press **Try again** for a fresh sync with new questions.`;
    case 'expired':
      return `⌛ **${connectionName}**: this challenge expired before it was answered; nothing was sent to the bank. Run \`/sync\` again when you are ready.`;
    case 'cancelled':
      return `**${connectionName}**: cancelled; nothing was sent to the bank.`;
    case 'restarted':
      return `⌛ **${connectionName}**: the bot restarted while this challenge waited, so it expired; nothing was sent to the bank. Run \`/sync\` again.`;
    case 'failed':
      return `⚠️ **${connectionName}**: ${settlement.line}`;
  }
}
