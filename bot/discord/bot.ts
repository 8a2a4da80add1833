/**
 * The Discord bot: one discord.js Client (intents Guilds + DirectMessages, Partials.Channel), the interaction
 * router, the challenge relay, Discord-side syncs and the scheduler, wired together. `startBot` is what
 * `ofx-mfa bot`, the demo and the end-to-end tests run; `stop` is the SIGINT/SIGTERM path.
 */
import { Client, DefaultRestOptions, Events, GatewayIntentBits, Partials, RESTEvents, type RESTOptions } from 'discord.js';
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
    rest: { api: apiBase, makeRequest: sendUploadsAsBytes },
  });
}

/**
 * discord.js's REST sends through its own undici (6) but with the process-wide dispatcher, and that is core/http's
 * undici 7 Agent when core/http happened to load first: it cannot read a FormData from another undici ("action is
 * not a function"), so every file upload (the /transactions CSV) would fail while JSON calls go on working. A
 * multipart body goes as the bytes it encodes to instead, which any dispatcher sends.
 */
const sendUploadsAsBytes: RESTOptions['makeRequest'] = async (url, init) => {
  if (!(init.body instanceof FormData)) return DefaultRestOptions.makeRequest(url, init);
  const encoded = new Response(init.body);
  const headers = { ...(init.headers as Record<string, string>), 'content-type': encoded.headers.get('content-type')! };
  return DefaultRestOptions.makeRequest(url, { ...init, headers, body: new Uint8Array(await encoded.arrayBuffer()) });
};

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
  const leftover = expireWaitingChallenges(options.app.db, 'orphaned');

  client.on(Events.InteractionCreate, router.dispatch);
  client.on(Events.Error, (error) => log.error({ event: 'client.error', err: error }));
  watchConnection(client, log);
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
      expireWaitingChallenges(options.app.db, 'this-process');
      await relay.closeAll();
      syncs.abortAll();
      await syncs.drain(5000);
      await router.drain(2000);
      await client.destroy();
      log.info({ event: 'bot.stopped' });
    })());

  return { client, services, scheduler, appId, stop };
}

/**
 * One line per trouble with Discord's side that discord.js rides out by itself: a 429 (it waits the Retry-After
 * and sends again) and a dropped gateway connection (it resumes, and Discord replays what was missed). Only the
 * route template goes out: the concrete path of an interaction callback or webhook carries its token.
 */
function watchConnection(client: Client, log: Logger): void {
  client.rest.on(RESTEvents.Response, (request, response) => {
    if (response.status !== 429) return;
    const retryAfter = Number(response.headers.get('retry-after'));
    log.warn({ event: 'discord.rate-limited', method: request.method, route: request.route, retryAfterMs: Math.round(retryAfter * 1000), global: response.headers.has('x-ratelimit-global') });
  });
  client.on(Events.ShardResume, (shard, replayed) => log.info({ event: 'gateway.resumed', shard, replayed }));
  client.on(Events.ShardDisconnect, (close, shard) => log.error({ event: 'gateway.disconnected', shard, code: close.code }));
}
