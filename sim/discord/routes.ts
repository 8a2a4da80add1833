/**
 * The REST routes the bot uses (DISCORD-NOTES.md), each a thin handler over the world and the interaction rules.
 * Templates follow discord.js's Routes; `@me` routes come before their `:user` twins so they match first.
 */
import { overwriteCommands, createCommand, deleteCommand } from './commands.ts';
import {
  cannotDmUser,
  dmChannelAction,
  notAuthor,
  unknownApplication,
  unknownChannel,
  unknownGuild,
  unknownMember,
  unknownMessage,
  unknownUser,
} from './errors.ts';
import { INTENTS } from './gateway.ts';
import type { Gateway } from './gateway.ts';
import type { InteractionRecord, Interactions, Refusal } from './interactions.ts';
import { applyEdit, newMessageFields } from './messages.ts';
import type { Route, RouteRequest } from './rest.ts';
import type { Json, MessageRecord, World } from './world.ts';
import { EPHEMERAL } from './world.ts';

/** What routes tell the rest of the stand-in (member timelines, waiters). */
export interface RouteEvents {
  messageCreated(message: MessageRecord): void;
  messageEdited(message: MessageRecord): void;
  messageDeleted(message: MessageRecord): void;
  acknowledged(record: InteractionRecord): void;
  refused(record: InteractionRecord, refusal: Refusal): void;
}

export interface RouteDeps {
  world: World;
  interactions: Interactions;
  gateway: Gateway;
  events: RouteEvents;
  gatewayUrl: () => string;
}

const ok = (json?: unknown) => ({ status: json === undefined ? 204 : 200, json });

function bodyObject(req: RouteRequest): Json {
  return typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Json) : {};
}

export function buildRoutes(deps: RouteDeps): Route[] {
  const { world, interactions, gateway, events } = deps;

  const app = (id: string | undefined): void => {
    if (id !== world.applicationId) throw unknownApplication();
  };
  const guild = (id: string | undefined): string => {
    if (id !== world.guildId) throw unknownGuild();
    return id;
  };
  const channel = (id: string | undefined) => {
    const c = world.channels.get(id ?? '');
    if (!c) throw unknownChannel();
    return c;
  };
  const channelMessage = (channelId: string | undefined, messageId: string | undefined): MessageRecord => {
    const c = channel(channelId);
    const m = world.messages.get(messageId ?? '');
    // Ephemeral messages are reached through their interaction's webhook only, never through the channel.
    if (!m || m.deleted || m.channelId !== c.id || m.visibleTo !== null) throw unknownMessage();
    return m;
  };

  /** MESSAGE_CREATE/UPDATE reach the bot for channels its intents cover; ephemeral messages never do. */
  const dispatchMessage = (t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: MessageRecord): void => {
    if (message.flags & EPHEMERAL) return;
    const c = world.channels.get(message.channelId);
    if (!c) return;
    const needed = c.type === 1 ? INTENTS.directMessages : INTENTS.guildMessages;
    if (!(gateway.intents() & needed)) return;
    gateway.dispatch(t, { ...world.messageJson(message), channel_type: c.type, ...(c.guildId ? { guild_id: c.guildId } : {}) });
  };
  const created = (message: MessageRecord): MessageRecord => {
    events.messageCreated(message);
    dispatchMessage('MESSAGE_CREATE', message);
    return message;
  };
  const edited = (message: MessageRecord): MessageRecord => {
    events.messageEdited(message);
    dispatchMessage('MESSAGE_UPDATE', message);
    return message;
  };

  /** Runs an interaction operation, noting a refusal against the interaction (tests and transcripts read it). */
  const onInteraction = <T>(record: InteractionRecord | undefined, route: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (record && error && typeof error === 'object' && 'code' in error && 'status' in error) {
        const e = error as { status: number; code: number; message: string };
        const refusal = { route, status: e.status, code: e.code, message: e.message };
        record.refusals.push(refusal);
        events.refused(record, refusal);
      }
      throw error;
    }
  };

  const commandRoutes = (scope: 'global' | 'guild'): Route[] => {
    const base = scope === 'global' ? '/applications/:app/commands' : '/applications/:app/guilds/:guild/commands';
    const target = (req: RouteRequest): string | null => {
      app(req.params.app);
      return scope === 'global' ? null : guild(req.params.guild);
    };
    const list = (g: string | null) => (g === null ? world.globalCommands : (world.guildCommands.get(g) ?? []));
    return [
      { method: 'GET', template: base, auth: true, handle: (req) => ok(list(target(req))) },
      { method: 'PUT', template: base, auth: true, handle: (req) => ok(overwriteCommands(world, target(req), req.body)) },
      { method: 'POST', template: base, auth: true, handle: (req) => ({ status: 201, json: createCommand(world, target(req), bodyObject(req)) }) },
      {
        method: 'DELETE',
        template: `${base}/:command`,
        auth: true,
        handle: (req) => {
          deleteCommand(world, target(req), req.params.command!);
          return ok();
        },
      },
    ];
  };

  return [
    {
      method: 'GET',
      template: '/gateway/bot',
      auth: true,
      handle: () =>
        ok({ url: deps.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } }),
    },
    { method: 'GET', template: '/gateway', auth: false, handle: () => ok({ url: deps.gatewayUrl() }) },
    { method: 'GET', template: '/users/@me', auth: true, handle: () => ok({ ...world.userJson(world.bot), bot: true, verified: true }) },
    {
      method: 'POST',
      template: '/users/@me/channels',
      auth: true,
      handle: (req) => {
        const recipient = String(bodyObject(req).recipient_id ?? '');
        if (!world.members.has(recipient)) throw unknownUser();
        return ok(world.channelJson(world.dmChannel(recipient)));
      },
    },
    {
      method: 'GET',
      template: '/users/:user',
      auth: true,
      handle: (req) => {
        const user = world.users.get(req.params.user!);
        if (!user) throw unknownUser();
        return ok(world.userJson(user));
      },
    },
    {
      method: 'GET',
      template: '/applications/@me',
      auth: true,
      handle: () => ok({ id: world.applicationId, name: world.bot.username, description: '', bot_public: false, bot_require_code_grant: false, flags: 0, bot: world.userJson(world.bot) }),
    },
    {
      method: 'GET',
      template: '/oauth2/applications/@me',
      auth: true,
      handle: () => ok({ id: world.applicationId, name: world.bot.username, description: '', bot_public: false, bot_require_code_grant: false, flags: 0, owner: world.userJson(world.bot) }),
    },
    ...commandRoutes('global'),
    ...commandRoutes('guild'),
    {
      method: 'POST',
      template: '/interactions/:interaction/:token/callback',
      auth: false,
      handle: (req) => {
        const { interaction: id, token } = req.params as { interaction: string; token: string };
        const record = interactions.find(id, token);
        const answer = onInteraction(record, 'POST /interactions/:interaction/:token/callback', () => interactions.callback(id, token, bodyObject(req), req.files));
        const live = interactions.byId.get(id)!;
        events.acknowledged(live);
        const message = live.originalMessageId ? world.messages.get(live.originalMessageId) : undefined;
        if (message && (live.ackType === 4 || live.ackType === 5)) created(message);
        if (message && live.ackType === 7) edited(message);
        return req.query.get('with_response') === 'true' ? ok(answer) : ok();
      },
    },
    {
      method: 'POST',
      template: '/webhooks/:app/:token',
      auth: false,
      handle: (req) => {
        const record = interactions.find(undefined, req.params.token);
        const message = onInteraction(record, 'POST /webhooks/:app/:token', () => interactions.followup(req.params.app!, req.params.token!, bodyObject(req), req.files));
        created(message);
        // Without ?wait=true Discord answers 204; discord.js always asks to wait.
        return req.query.get('wait') === 'true' ? ok(world.messageJson(message)) : ok();
      },
    },
    {
      method: 'GET',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      handle: (req) => {
        const record = interactions.find(undefined, req.params.token);
        const message = onInteraction(record, 'GET /webhooks/:app/:token/messages/:message', () => interactions.fetchMessage(req.params.app!, req.params.token!, req.params.message!));
        return ok(world.messageJson(message));
      },
    },
    {
      method: 'PATCH',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      handle: (req) => {
        const record = interactions.find(undefined, req.params.token);
        const message = onInteraction(record, 'PATCH /webhooks/:app/:token/messages/:message', () =>
          interactions.editMessage(req.params.app!, req.params.token!, req.params.message!, bodyObject(req), req.files),
        );
        return ok(world.messageJson(edited(message)));
      },
    },
    {
      method: 'DELETE',
      template: '/webhooks/:app/:token/messages/:message',
      auth: false,
      handle: (req) => {
        const record = interactions.find(undefined, req.params.token);
        const message = onInteraction(record, 'DELETE /webhooks/:app/:token/messages/:message', () => interactions.deleteMessage(req.params.app!, req.params.token!, req.params.message!));
        events.messageDeleted(message);
        return ok();
      },
    },
    { method: 'GET', template: '/channels/:channel', auth: true, handle: (req) => ok(world.channelJson(channel(req.params.channel))) },
    {
      method: 'POST',
      template: '/channels/:channel/messages',
      auth: true,
      handle: (req) => {
        const c = channel(req.params.channel);
        if (c.type === 1 && world.members.get(c.recipientId!)?.dmsClosed) throw cannotDmUser();
        const fields = newMessageFields(world, bodyObject(req), req.files);
        // A channel message cannot be ephemeral; Discord ignores the bit.
        const message = world.addMessage({ ...fields, flags: fields.flags & ~EPHEMERAL, channelId: c.id, authorId: world.bot.id, visibleTo: null, interactionId: null, type: 0 });
        return ok(world.messageJson(created(message)));
      },
    },
    { method: 'POST', template: '/channels/:channel/typing', auth: true, handle: (req) => (channel(req.params.channel), ok()) },
    {
      method: 'GET',
      template: '/channels/:channel/messages/:message',
      auth: true,
      handle: (req) => ok(world.messageJson(channelMessage(req.params.channel, req.params.message))),
    },
    {
      method: 'PATCH',
      template: '/channels/:channel/messages/:message',
      auth: true,
      handle: (req) => {
        const message = channelMessage(req.params.channel, req.params.message);
        if (message.authorId !== world.bot.id) throw notAuthor();
        applyEdit(world, message, bodyObject(req), req.files);
        return ok(world.messageJson(edited(message)));
      },
    },
    {
      method: 'DELETE',
      template: '/channels/:channel/messages/:message',
      auth: true,
      handle: (req) => {
        const message = channelMessage(req.params.channel, req.params.message);
        if (message.authorId !== world.bot.id && world.channels.get(message.channelId)?.type === 1) throw dmChannelAction();
        message.deleted = true;
        events.messageDeleted(message);
        if (gateway.intents() & (world.channels.get(message.channelId)?.type === 1 ? INTENTS.directMessages : INTENTS.guildMessages)) {
          gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channelId, ...(world.channels.get(message.channelId)?.guildId ? { guild_id: world.guildId } : {}) });
        }
        return ok();
      },
    },
    { method: 'GET', template: '/guilds/:guild', auth: true, handle: (req) => (guild(req.params.guild), ok(world.guildJson())) },
    {
      method: 'GET',
      template: '/guilds/:guild/channels',
      auth: true,
      handle: (req) => (guild(req.params.guild), ok([...world.channels.values()].filter((c) => c.type === 0).map((c) => world.channelJson(c)))),
    },
    {
      method: 'GET',
      template: '/guilds/:guild/members/:user',
      auth: true,
      handle: (req) => {
        guild(req.params.guild);
        if (req.params.user === world.bot.id) return ok({ user: world.userJson(world.bot), roles: [], joined_at: world.iso(0), deaf: false, mute: false, flags: 0 });
        const member = world.members.get(req.params.user!);
        if (!member) throw unknownMember();
        return ok(world.memberJson(member, false));
      },
    },
  ];
}
