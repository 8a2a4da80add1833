/**
 * The Discord bot: one discord.js Client (intents Guilds + DirectMessages, Partials.Channel), the interaction
 * router, the challenge relay, Discord-side syncs and the scheduler, wired together. `startBot` is what
 * `ofx-mfa bot`, the demo and the end-to-end tests run; `stop` is the SIGINT/SIGTERM path.
 */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import { DEFAULT_CHALLENGE_TIMEOUT_MS } from '../../core/sync/machine.ts';
import { expireWaitingChallenges, getConnectionById, getSyncRun } from '../../db/index.ts';
import type { AppContext } from '../context.ts';
import { bankComponents, COMMANDS } from './commands/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { MemberRateLimiter, type RateLimits } from './rate-limits.ts';
import { registerCommands } from './register.ts';
import { ChallengeRelay } from './relay/relay.ts';
import { InteractionRouter } from './router.ts';
import { Scheduler, SCHEDULER_TICK_MS } from './scheduler.ts';
import type { BotServices } from './services.ts';
import { DiscordSyncs } from './syncs.ts';

export const DEFAULT_API_BASE = 'https://discord.com/api';

export interface BotOptions {
  app: AppContext;
  token: string;
  /** Else the application id from READY. */
  appId?: string;
  /** Register in this server (instant) instead of globally. */
  guildId?: string;
  apiBase?: string;
  log?: Logger;
  challengeTimeoutMs?: number;
  /** How long a /sync reply may be edited before the result goes by DM (default 14 of Discord's 15 minutes). */
  tokenLifetimeMs?: number;
  schedulerTickMs?: number;
  /** false: no scheduler (tests that drive `scheduler.tick()` themselves). */
  runScheduler?: boolean;
  now?: () => Date;
  /** Per-member limits on /sync and /bank add (default DEFAULT_RATE_LIMITS; `limit: Infinity` turns one off). */
  rateLimits?: Partial<RateLimits>;
}

export interface BotHandle {
  client: Client;
  services: BotServices;
  scheduler: Scheduler;
  appId: string;
  /** Stop taking interactions, expire waiting challenges (their DMs say the bot restarted), disconnect. */
  stop(): Promise<void>;
}

export function createClient(apiBase: string): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    // A DM channel not in the cache (after a restart) still delivers its events.
    partials: [Partials.Channel],
    rest: { api: apiBase },
  });
}

export async function startBot(options: BotOptions): Promise<BotHandle> {
  const log = options.log ?? createLogger();
  const client = createClient(options.apiBase ?? DEFAULT_API_BASE);
  let services!: BotServices;
  const relay = new ChallengeRelay(() => services);
  const syncs = new DiscordSyncs(() => services, { tokenLifetimeMs: options.tokenLifetimeMs });
  const now = options.now ?? (() => new Date());
  services = {
    app: options.app,
    log,
    client,
    relay,
    syncs,
    limits: new MemberRateLimiter(() => now().getTime(), options.rateLimits),
    challengeTimeoutMs: options.challengeTimeoutMs ?? DEFAULT_CHALLENGE_TIMEOUT_MS,
    now,
  };
  const router = new InteractionRouter(services, COMMANDS, [relay.component, ...bankComponents]);
  const scheduler = new Scheduler(() => services, options.schedulerTickMs ?? SCHEDULER_TICK_MS);

  // Challenges left waiting by a crash cannot be answered any more: expire them before any click can arrive.
  const leftover = expireWaitingChallenges(options.app.db);

  client.on(Events.InteractionCreate, router.dispatch);
  client.on(Events.Error, (error) => log.error({ event: 'client.error', err: error }));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token);
  await ready;
  const appId = options.appId ?? client.application?.id;
  if (!appId) throw new Error('READY carried no application id; set DISCORD_APP_ID');
  const count = await registerCommands(client.rest, appId, options.guildId, COMMANDS.map((c) => c.definition));
  log.info({ event: 'bot.ready', user: client.user?.id, appId, commands: count, scope: options.guildId ? 'guild' : 'global' });

  for (const row of leftover) {
    const run = getSyncRun(options.app.db, row.syncRunId);
    const name = (run && getConnectionById(options.app.db, run.connectionId)?.name) ?? 'your bank';
    await relay.editStored(row, name, { kind: 'restarted' });
  }
  if (options.runScheduler !== false) scheduler.start();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      router.stopAccepting();
      await scheduler.stop();
      expireWaitingChallenges(options.app.db);
      await relay.closeAll();
      syncs.abortAll();
      await syncs.drain(5000);
      await router.drain(2000);
      await client.destroy();
      log.info({ event: 'bot.stopped' });
    })());

  return { client, services, scheduler, appId, stop };
}
