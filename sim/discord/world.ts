/**
 * What the stand-in knows: the bot, one guild with its text channels, the members (each with a DM channel once
 * opened), every message with its edits, and the registered command sets. Also how each of these looks on the
 * wire (the JSON discord.js reads).
 */
import type { Snowflakes } from './ids.ts';

export type Json = Record<string, unknown>;

/** Permission bits (Discord's PermissionFlagsBits) the stand-in uses. */
export const PERMISSIONS = {
  administrator: 1n << 3n,
  manageGuild: 1n << 5n,
  addReactions: 1n << 6n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  useExternalEmojis: 1n << 18n,
  useApplicationCommands: 1n << 31n,
  sendMessagesInThreads: 1n << 38n,
} as const;

/** What @everyone may do in the simulated guild: talk, read, use commands. Not manage it. */
export const MEMBER_PERMISSIONS =
  PERMISSIONS.addReactions |
  PERMISSIONS.viewChannel |
  PERMISSIONS.sendMessages |
  PERMISSIONS.embedLinks |
  PERMISSIONS.attachFiles |
  PERMISSIONS.readMessageHistory |
  PERMISSIONS.useExternalEmojis |
  PERMISSIONS.useApplicationCommands |
  PERMISSIONS.sendMessagesInThreads;

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface MemberRecord {
  user: UserRecord;
  permissions: bigint;
  dmsClosed: boolean;
  joinedAt: string;
  dmChannelId: string | null;
}

export interface ChannelRecord {
  id: string;
  type: 0 | 1;
  name: string | null;
  guildId: string | null;
  /** DM channels: the member at the other end. */
  recipientId: string | null;
  lastMessageId: string | null;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  description: string | null;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: AttachmentRecord[];
  flags: number;
  createdAt: number;
  editedAt: number | null;
  edits: number;
  deleted: boolean;
  /** Ephemeral messages are seen by this user only. */
  visibleTo: string | null;
  /** The interaction this message answers (original response or follow-up), if any. */
  interactionId: string | null;
  /** Message type: 0 default, 19 reply, 20 chat input command response. */
  type: number;
}

export interface CommandRecord extends Json {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  type: number;
  version: string;
}

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;

export class World {
  readonly bot: UserRecord;
  readonly guildId: string;
  readonly guildName = 'Household';
  readonly ownerId: string;
  readonly users = new Map<string, UserRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly globalCommands: CommandRecord[] = [];
  readonly guildCommands = new Map<string, CommandRecord[]>();
  readonly defaultChannelId: string;

  constructor(
    readonly ids: Snowflakes,
    readonly now: () => number,
    readonly applicationId: string,
  ) {
    this.bot = { id: applicationId, username: 'ofx-mfa', globalName: null, bot: true };
    this.users.set(this.bot.id, this.bot);
    this.guildId = ids.next();
    this.ownerId = ids.next();
    this.defaultChannelId = this.addTextChannel('general').id;
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  addTextChannel(name: string): ChannelRecord {
    const channel: ChannelRecord = { id: this.ids.next(), type: 0, name, guildId: this.guildId, recipientId: null, lastMessageId: null };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addMember(options: { id?: string; name: string; manageGuild?: boolean; administrator?: boolean; dmsClosed?: boolean }): MemberRecord {
    const id = options.id ?? this.ids.next();
    if (this.members.has(id) || id === this.bot.id) throw new Error(`member ${id} already exists`);
    if (!/^\d{1,20}$/.test(id)) throw new Error(`a Discord user id is a snowflake (digits), not ${JSON.stringify(id)}`);
    const user: UserRecord = { id, username: options.name, globalName: options.name, bot: false };
    let permissions = MEMBER_PERMISSIONS;
    if (options.manageGuild) permissions |= PERMISSIONS.manageGuild;
    if (options.administrator) permissions |= PERMISSIONS.administrator | PERMISSIONS.manageGuild;
    const member: MemberRecord = { user, permissions, dmsClosed: options.dmsClosed ?? false, joinedAt: this.iso(), dmChannelId: null };
    this.users.set(id, user);
    this.members.set(id, member);
    return member;
  }

  /** The DM channel between the bot and a member, created on first need (as Discord does). */
  dmChannel(userId: string): ChannelRecord {
    const member = this.members.get(userId);
    if (!member) throw new Error(`no member ${userId}`);
    if (member.dmChannelId) return this.channels.get(member.dmChannelId)!;
    const channel: ChannelRecord = { id: this.ids.next(), type: 1, name: null, guildId: null, recipientId: userId, lastMessageId: null };
    this.channels.set(channel.id, channel);
    member.dmChannelId = channel.id;
    return channel;
  }

  addMessage(fields: Omit<MessageRecord, 'id' | 'createdAt' | 'editedAt' | 'edits' | 'deleted'>): MessageRecord {
    const message: MessageRecord = { ...fields, id: this.ids.next(), createdAt: this.now(), editedAt: null, edits: 0, deleted: false };
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channelId);
    if (channel) channel.lastMessageId = message.id;
    return message;
  }

  /** Commands a member can see and run where they are: guild commands and global ones whose contexts allow it. */
  commandsFor(place: { dm: boolean }): CommandRecord[] {
    const global = this.globalCommands.filter((c) => commandAllowedIn(c, place.dm ? 1 : 0));
    if (place.dm) return global;
    return [...(this.guildCommands.get(this.guildId) ?? []), ...global];
  }

  // ---- wire formats ----

  userJson(user: UserRecord): Json {
    return {
      id: user.id,
      username: user.username,
      global_name: user.globalName,
      discriminator: '0',
      avatar: null,
      bot: user.bot || undefined,
      public_flags: 0,
      flags: 0,
    };
  }

  memberJson(member: MemberRecord, withPermissions: boolean): Json {
    return {
      user: this.userJson(member.user),
      nick: null,
      avatar: null,
      roles: [],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      ...(withPermissions ? { permissions: member.permissions.toString() } : {}),
    };
  }

  channelJson(channel: ChannelRecord): Json {
    if (channel.type === 1) {
      const recipient = this.users.get(channel.recipientId!)!;
      return { id: channel.id, type: 1, last_message_id: channel.lastMessageId, flags: 0, recipients: [this.userJson(recipient)] };
    }
    return {
      id: channel.id,
      type: 0,
      guild_id: channel.guildId,
      name: channel.name,
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  guildJson(): Json {
    const everyone = {
      id: this.guildId,
      name: '@everyone',
      permissions: MEMBER_PERMISSIONS.toString(),
      position: 0,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    };
    return {
      id: this.guildId,
      name: this.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [everyone],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: this.defaultChannelId,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
    };
  }

  /** GUILD_CREATE: the guild plus what the Guilds intent carries (channels, and of members only the bot itself). */
  guildCreateJson(): Json {
    const botMember = { user: this.userJson(this.bot), nick: null, avatar: null, roles: [], joined_at: this.iso(0), deaf: false, mute: false, flags: 0 };
    return {
      ...this.guildJson(),
      joined_at: this.iso(0),
      large: false,
      unavailable: false,
      member_count: this.members.size + 1,
      members: [botMember],
      channels: [...this.channels.values()].filter((c) => c.type === 0).map((c) => this.channelJson(c)),
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  messageJson(message: MessageRecord): Json {
    const channel = this.channels.get(message.channelId);
    const author = this.users.get(message.authorId)!;
    return {
      id: message.id,
      channel_id: message.channelId,
      ...(channel?.guildId ? { guild_id: channel.guildId } : {}),
      author: this.userJson(author),
      content: message.content,
      timestamp: this.iso(message.createdAt),
      edited_timestamp: message.editedAt === null ? null : this.iso(message.editedAt),
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.attachments.map((a) => this.attachmentJson(a)),
      embeds: message.embeds,
      pinned: false,
      type: message.type,
      flags: message.flags,
      components: message.components,
      ...(message.interactionId ? { application_id: this.applicationId, webhook_id: this.applicationId } : {}),
    };
  }

  attachmentBase = '';

  attachmentJson(a: AttachmentRecord): Json {
    const url = `${this.attachmentBase}/attachments/${a.id}/${encodeURIComponent(a.filename)}`;
    return { id: a.id, filename: a.filename, size: a.bytes.length, url, proxy_url: url, content_type: a.contentType, ...(a.description ? { description: a.description } : {}) };
  }
}

/**
 * Where a global command may run. `contexts` (0 guild, 1 bot DM, 2 private channel) wins; without it the old
 * `dm_permission` decides, and a command with neither runs everywhere (Discord's default for new commands).
 */
export function commandAllowedIn(command: CommandRecord, context: 0 | 1): boolean {
  const contexts = command.contexts;
  if (Array.isArray(contexts)) return contexts.includes(context);
  if (context === 1 && command.dm_permission === false) return false;
  return true;
}
