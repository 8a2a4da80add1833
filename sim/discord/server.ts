/**
 * startDiscordSim: one HTTP server on loopback carrying the REST API under /api/v10, the gateway on /gateway
 * (and the resume URL /gateway/resume), and attachment downloads under /attachments.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { seenMessage } from './views.ts';
import type { SeenMessage } from './views.ts';
import { Gateway } from './gateway.ts';
import type { GatewayStats } from './gateway.ts';
import { Snowflakes } from './ids.ts';
import { Interactions } from './interactions.ts';
import { SimMember, Timelines } from './members.ts';
import type { MemberDeps, TimelineEntry } from './members.ts';
import { Rest } from './rest.ts';
import type { FailureSpec, RestCall } from './rest.ts';
import { buildRoutes } from './routes.ts';
import { Changes, DEFAULT_WAIT_MS } from './waiters.ts';
import { World } from './world.ts';
import type { CommandRecord } from './world.ts';

export interface DiscordSimOptions {
  /** The simulated clock, epoch milliseconds (default Date.now): the 3 s and 15 min rules and all timestamps. */
  now?: () => number;
  /** Default 0 (any free port) on 127.0.0.1. */
  port?: number;
  /** The bot token the client must present (default: a random one; read it from the result). */
  token?: string;
  /** The application (and bot user) id; default a fresh snowflake. */
  applicationId?: string;
  /** HELLO's heartbeat_interval (default 41250 ms, Discord's). */
  heartbeatIntervalMs?: number;
  /** Privileged intents (GuildMembers 2, GuildPresences 256, MessageContent 32768) the portal allows; default none. */
  privilegedIntents?: number;
  /** Called for every timeline entry of every member, as it happens (the demo prints them). */
  onSeen?: (memberId: string, entry: TimelineEntry) => void;
  /** Called for every gateway event dispatched to the bot (INTERACTION_CREATE, MESSAGE_CREATE...), as sent. */
  onGatewayEvent?: (t: string, d: unknown) => void;
}

export interface AddMemberOptions {
  /** Discord user id (a snowflake, digits); default a fresh one. */
  id?: string;
  name: string;
  /** Holds Manage Server in the guild (member permissions in interaction payloads). */
  manageGuild?: boolean;
  administrator?: boolean;
  /** Has DMs from server members turned off: the bot's DMs fail with 50007. */
  dmsClosed?: boolean;
}

export interface DiscordSim {
  /** Give this to discord.js: `rest: { api: apiBase }`. */
  apiBase: string;
  /** What GET /gateway/bot answers. */
  gatewayUrl: string;
  port: number;
  token: string;
  applicationId: string;
  guildId: string;
  /** The guild's #general text channel. */
  channelId: string;
  addChannel(name: string): string;
  addMember(options: AddMemberOptions): SimMember;
  member(id: string): SimMember;
  /** Every REST call so far, oldest first (a live array), each with what the stand-in answered. */
  restCalls: readonly RestCall[];
  /** Forgets the recorded REST calls (a long benchmark's memory should be the bot's, not the record's). */
  clearRestCalls(): void;
  /** REST calls to one route, e.g. `callsTo('PUT /applications/:app/commands')`. */
  callsTo(route: string): RestCall[];
  /** Makes the next call(s) to a route fail, e.g. `failNext('POST /channels/:channel/messages', { status: 429, retryAfter: 0.2 })`. */
  failNext(route: string, failure: FailureSpec): void;
  /** Route templates, `METHOD /path/:param`. */
  routes(): string[];
  /** The command set last registered: global without an argument, else that guild's. */
  registeredCommands(guildId?: string): CommandRecord[];
  /** Messages in a channel that everyone there sees (ephemeral ones excluded), edits applied. */
  channelMessages(channelId?: string): SeenMessage[];
  gateway: Readonly<GatewayStats>;
  /** Drops the bot's gateway connection; it resumes on its own. Resolves once the connection is closed. */
  dropGateway(how?: 'close' | 'reset'): Promise<void>;
  /** Resolves once the bot has logged in (READY sent) and its connection is open. */
  waitForBot(options?: { timeoutMs?: number }): Promise<void>;
  /** Resolves once the bot has resumed `count` times in all (default: one more than now) and is connected. */
  waitForResume(options?: { count?: number; timeoutMs?: number }): Promise<void>;
  /** Resolves with the probe's first truthy value, re-checked on every change in the stand-in. */
  waitUntil<T>(probe: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startDiscordSim(options: DiscordSimOptions = {}): Promise<DiscordSim> {
  const now = options.now ?? (() => Date.now());
  const ids = new Snowflakes(now);
  const token = options.token ?? `sim.${randomBytes(24).toString('base64url')}`;
  const applicationId = options.applicationId ?? ids.next();
  const world = new World(ids, now, applicationId);
  const changes = new Changes();
  const interactions = new Interactions(world);
  const gateway = new Gateway(world, token, options.heartbeatIntervalMs ?? 41_250, options.privilegedIntents ?? 0, changes, options.onGatewayEvent);
  const members = new Map<string, SimMember>();
  const deadlineTimers = options.now ? undefined : new Set<NodeJS.Timeout>();
  const deps: MemberDeps = { world, interactions, gateway, changes, onSeen: options.onSeen, deadlineTimers };
  const timelines = new Timelines(deps, members);
  let gatewayUrl = '';

  const routes = buildRoutes({
    world,
    interactions,
    gateway,
    gatewayUrl: () => gatewayUrl,
    events: {
      messageCreated: (m) => timelines.created(m),
      messageEdited: (m) => timelines.edited(m),
      messageDeleted: (m) => timelines.deleted(m),
      acknowledged: (r) => timelines.acknowledged(r),
      refused: (r, refusal) => timelines.refused(r, refusal),
    },
  });
  const rest = new Rest(routes, token, () => world.iso(), () => changes.notify());

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/v10/')) {
      rest.handle(req, res, url.pathname.slice('/api/v10'.length), url.searchParams).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
      return;
    }
    const attachment = /^\/attachments\/(\d+)\//.exec(url.pathname);
    if (req.method === 'GET' && attachment) {
      for (const m of world.messages.values()) {
        const a = m.attachments.find((x) => x.id === attachment[1]);
        if (a) {
          res.writeHead(200, { 'content-type': a.contentType, 'content-length': String(a.bytes.length) });
          res.end(a.bytes);
          return;
        }
      }
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: '404: Not Found', code: 0 }));
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/gateway' || path === '/gateway/resume') gateway.upgrade(req, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  gateway.resumeUrl = `ws://127.0.0.1:${port}/gateway/resume`;
  world.attachmentBase = origin;

  const member = (id: string): SimMember => {
    const m = members.get(id);
    if (!m) throw new Error(`no member ${id}; add it with addMember`);
    return m;
  };

  return {
    apiBase: `${origin}/api`,
    gatewayUrl,
    port,
    token,
    applicationId,
    guildId: world.guildId,
    channelId: world.defaultChannelId,
    addChannel: (name) => world.addTextChannel(name).id,
    addMember: (opts) => {
      const record = world.addMember(opts);
      const m = new SimMember(deps, record);
      members.set(m.id, m);
      return m;
    },
    member,
    restCalls: rest.calls,
    clearRestCalls: () => {
      rest.calls.length = 0;
    },
    callsTo: (route) => {
      const [method, template] = route.includes(' ') ? route.split(/\s+/, 2) : [undefined, route];
      return rest.calls.filter((c) => c.route === template && (method === undefined || c.method === method));
    },
    failNext: (route, failure) => rest.failNext(route, failure),
    routes: () => rest.templates(),
    registeredCommands: (guildId) => structuredClone(guildId === undefined ? world.globalCommands : (world.guildCommands.get(guildId) ?? [])),
    channelMessages: (channelId = world.defaultChannelId) =>
      world.messagesIn(channelId).filter((m) => m.visibleTo === null && !m.deleted).map(seenMessage),
    gateway: gateway.stats,
    dropGateway: (how) => gateway.drop(how),
    waitForBot: ({ timeoutMs } = {}) =>
      changes.until(() => gateway.stats.identifies > 0 && gateway.stats.connected, 'the bot to log in to the gateway', timeoutMs ?? DEFAULT_WAIT_MS).then(() => undefined),
    waitForResume: ({ count, timeoutMs } = {}) => {
      const target = count ?? gateway.stats.resumes + 1;
      return changes
        .until(() => gateway.stats.resumes >= target && gateway.stats.connected, `gateway resume #${target}`, timeoutMs ?? DEFAULT_WAIT_MS, () => JSON.stringify(gateway.stats))
        .then(() => undefined);
    },
    waitUntil: (probe, what, timeoutMs) => changes.until(probe, what, timeoutMs ?? DEFAULT_WAIT_MS),
    close: async () => {
      for (const timer of deadlineTimers ?? []) clearTimeout(timer);
      await gateway.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
