/** The one place that turns an error into the line a member reads. Messages here never carry a secret. */
import { DiscordAPIError } from 'discord.js';
import { OfxError } from '../../core/errors.ts';

/** Something the member did or asked that we refuse, in words meant for them. */
export class MemberError extends Error {
  override name = 'MemberError';
}

/** Discord error codes we act on (DISCORD-NOTES.md). */
export const DISCORD_CODES = {
  unknownInteraction: 10062,
  alreadyAcknowledged: 40060,
  cannotDmUser: 50007,
  invalidWebhookToken: 50027,
} as const;

export function discordCode(error: unknown): number | null {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : null;
}

export function memberLine(error: unknown): string {
  if (error instanceof MemberError) return error.message;
  // Core errors are one line, name the bank's status code and say what to do next (DESIGN 3).
  if (error instanceof OfxError) return error.message;
  if (error instanceof Error) {
    // The shared services' typed refusals: one line meant for people, never holding a secret.
    if (error.name === 'ValidationError' || error.name === 'ConnectionExistsError') return capitalize(error.message);
    if (error.name === 'BankNotFoundError' || error.name === 'ConnectionNotFoundError') {
      return `${capitalize(error.message.replace(/ \(see: .*\)$/, ''))} (see /bank list).`;
    }
  }
  return 'Something went wrong on our side; nothing was changed. Try again, and tell whoever runs this bot if it keeps happening.';
}

function capitalize(line: string): string {
  return line.charAt(0).toUpperCase() + line.slice(1);
}
