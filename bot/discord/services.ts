/** What every handler gets: the database, the logger, the client, and the bot's own long-lived parts. */
import type { Client, User } from 'discord.js';
import { ensureDiscordMember, type Member } from '../../db/index.ts';
import type { AppContext } from '../context.ts';
import type { Logger } from './logger.ts';
import type { MemberRateLimiter } from './rate-limits.ts';
import type { ChallengeRelay } from './relay/relay.ts';
import type { DiscordSyncs } from './syncs.ts';

export interface BotServices {
  app: AppContext;
  log: Logger;
  client: Client;
  relay: ChallengeRelay;
  syncs: DiscordSyncs;
  /** Per-member limits on /sync and /bank add (scheduled syncs are not counted). */
  limits: MemberRateLimiter;
  /** How long a member has to answer a challenge (DESIGN 1: default 10 minutes). */
  challengeTimeoutMs: number;
  now(): Date;
}

/** The member behind a Discord user, created on first use. */
export function memberOf(services: Pick<BotServices, 'app'>, user: User): Member {
  return ensureDiscordMember(services.app.db, user.id, user.globalName ?? user.username);
}
