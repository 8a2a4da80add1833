/**
 * Acting as a household member: run a slash command, type into an autocompleting option, click a button, fill
 * in a modal, write to the bot in a DM; and read back what that member saw (replies with edits, DMs, modals),
 * as live snapshots and as a timeline the demo prints. Only what the Discord client allows gets through: a
 * member cannot click a button on a message they cannot see, nor submit someone else's modal.
 */
import { randomBytes } from 'node:crypto';
import { commandData, MemberCannot } from './commands.ts';
import type { CommandCall } from './commands.ts';
import type { Gateway } from './gateway.ts';
import { interactionToken } from './ids.ts';
import { CALLBACK, FIRST_RESPONSE_MS, INTERACTION } from './interactions.ts';
import type { Choice, InteractionKind, InteractionRecord, Interactions, Refusal } from './interactions.ts';
import { COMPONENT } from './limits.ts';
import type { Changes } from './waiters.ts';
import { DEFAULT_WAIT_MS } from './waiters.ts';
import { messageText, modalText, seenMessage } from './views.ts';
import type { ModalView, SeenMessage } from './views.ts';
import type { Json, MemberRecord, MessageRecord, World } from './world.ts';
import { PERMISSIONS } from './world.ts';

/** What the bot may do in the simulated guild's channels (`app_permissions`). */
const BOT_PERMISSIONS =
  PERMISSIONS.viewChannel | PERMISSIONS.sendMessages | PERMISSIONS.embedLinks | PERMISSIONS.attachFiles | PERMISSIONS.readMessageHistory | PERMISSIONS.useExternalEmojis;

export interface TimelineEntry {
  /** Simulated-clock milliseconds. */
  at: number;
  /** `you`: what the member did; `reply`/`dm`/`message`: a new message they see; `edit`: one changed; `modal`: a modal opened; `failed`: Discord told them the interaction failed. */
  kind: 'you' | 'reply' | 'dm' | 'message' | 'edit' | 'dm-edit' | 'deleted' | 'modal' | 'failed';
  text: string;
  messageId?: string;
  interactionId?: string;
}

export interface Where {
  /** Run in the member's DM with the bot rather than in a guild channel. */
  dm?: boolean;
  /** Guild channel (default: the guild's #general). */
  channelId?: string;
  /** As if a guild admin had opened the command to everyone in the server's integration settings. */
  ignorePermissions?: boolean;
}

export interface WaitOptions {
  /** Real milliseconds before the wait fails (default 10 s). */
  timeoutMs?: number;
}

export type ResponseKind = 'reply' | 'deferReply' | 'deferUpdate' | 'update' | 'autocomplete' | 'modal';
const KIND_OF: Record<number, ResponseKind> = { 4: 'reply', 5: 'deferReply', 6: 'deferUpdate', 7: 'update', 8: 'autocomplete', 9: 'modal' };

export interface FirstResponse {
  type: number;
  kind: ResponseKind;
  ephemeral: boolean;
  /** The reply (4, 5: still loading) or the updated message (6, 7). */
  message: SeenMessage | null;
  modal: ModalView | null;
  choices: Choice[] | null;
  /** Wall-clock milliseconds from dispatch to the accepted first response. */
  latencyMs: number;
}

/** The bot's first response was refused and the interaction is dead: the member saw "This interaction failed". */
export class InteractionFailed extends Error {
  override name = 'InteractionFailed';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Shared machinery the members and handles use. */
export interface MemberDeps {
  world: World;
  interactions: Interactions;
  gateway: Gateway;
  changes: Changes;
  onSeen?: (memberId: string, entry: TimelineEntry) => void;
  /**
   * Set when the clock is the wall clock: then an interaction left unanswered for 3 s fails on its own, as the
   * member's Discord client shows it (with an injected clock only a late callback can tell).
   */
  deadlineTimers?: Set<NodeJS.Timeout>;
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function describeCall(name: string, call: CommandCall): string {
  const parts = [`/${name}`];
  if (call.group) parts.push(call.group);
  if (call.subcommand) parts.push(call.subcommand);
  for (const [k, v] of Object.entries(call.options ?? {})) parts.push(`${k}:${String(v)}`);
  return parts.join(' ');
}

export class InteractionHandle {
  constructor(
    private readonly deps: MemberDeps,
    readonly record: InteractionRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get kind(): InteractionKind {
    return this.record.kind;
  }

  get acknowledged(): boolean {
    return this.record.ackType !== null;
  }

  /** Calls the stand-in refused on this interaction's id or token (10062, 40060, 50027, 50035...). */
  get refusals(): Refusal[] {
    return [...this.record.refusals];
  }

  get latencyMs(): number | null {
    return this.record.ackPerf === null ? null : this.record.ackPerf - this.record.dispatchedPerf;
  }

  private dead(): Refusal | undefined {
    if (this.record.ackType !== null) return undefined;
    const refused = this.record.refusals.find((r) => r.code === 10062 && r.route.includes('/callback'));
    if (refused) return refused;
    if (this.deps.world.now() - this.record.createdAt > FIRST_RESPONSE_MS) return { route: '(no response)', status: 0, code: 10062, message: 'no first response within 3 s' };
    return undefined;
  }

  private first(): FirstResponse | null {
    const r = this.record;
    if (r.ackType === null) {
      const dead = this.dead();
      if (dead) throw new InteractionFailed(`the bot's first response was refused: ${dead.code} ${dead.message}`, dead.code);
      return null;
    }
    const message = r.originalMessageId ? this.deps.world.messages.get(r.originalMessageId) : undefined;
    return {
      type: r.ackType,
      kind: KIND_OF[r.ackType] ?? 'reply',
      ephemeral: r.ackEphemeral,
      message: message ? seenMessage(message) : null,
      modal: r.modal,
      choices: r.choices,
      latencyMs: this.latencyMs ?? 0,
    };
  }

  /** The first response (waits for it). Rejects with InteractionFailed when it came too late (10062). */
  response(options: WaitOptions = {}): Promise<FirstResponse> {
    return this.deps.changes.until(() => this.first(), `the first response to interaction ${this.id}`, options.timeoutMs ?? DEFAULT_WAIT_MS, () =>
      this.record.refusals.map((r) => `${r.route} → ${r.code}`).join(', ') || 'no response',
    );
  }

  /** The modal the bot answered with (waits); fails if the first response was anything else. */
  async modal(options: WaitOptions = {}): Promise<ModalView> {
    const first = await this.response(options);
    if (!first.modal) throw new Error(`expected a modal, the bot answered with ${first.kind}${first.message ? `: ${first.message.text}` : ''}`);
    return first.modal;
  }

  /** Messages this interaction produced, edits applied: the original reply, follow-ups, an updated message. */
  get replies(): SeenMessage[] {
    const world = this.deps.world;
    const ids = new Set<string>(this.record.followupIds);
    if (this.record.originalMessageId) ids.add(this.record.originalMessageId);
    return [...ids]
      .map((id) => world.messages.get(id))
      .filter((m): m is MessageRecord => m !== undefined && !m.deleted)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .map(seenMessage);
  }

  /** The @original message now, if there is one. */
  get reply(): SeenMessage | null {
    const m = this.record.originalMessageId ? this.deps.world.messages.get(this.record.originalMessageId) : undefined;
    return m && !m.deleted ? seenMessage(m) : null;
  }

  /** Waits until the replies satisfy the predicate; resolves with them. */
  waitFor(predicate: (replies: SeenMessage[]) => boolean, options: WaitOptions = {}): Promise<SeenMessage[]> {
    return this.deps.changes.until(
      () => {
        this.first(); // a dead interaction fails the wait at once
        const replies = this.replies;
        return predicate(replies) ? replies : null;
      },
      `replies to interaction ${this.id} matching the predicate`,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      () => JSON.stringify(this.replies.map((r) => r.text)),
    );
  }

  /** Waits for one reply satisfying the predicate; resolves with it. */
  async waitForReply(predicate: (reply: SeenMessage) => boolean, options: WaitOptions = {}): Promise<SeenMessage> {
    const replies = await this.waitFor((rs) => rs.some(predicate), options);
    return replies.find(predicate)!;
  }

  /** Waits until a call on this interaction is refused with `code` (or any code). */
  waitForRefusal(code?: number, options: WaitOptions = {}): Promise<Refusal> {
    return this.deps.changes.until(
      () => this.record.refusals.find((r) => code === undefined || r.code === code),
      `a refusal${code === undefined ? '' : ` with code ${code}`} on interaction ${this.id}`,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      () => this.record.refusals.map((r) => `${r.code}`).join(', ') || 'none',
    );
  }
}

export class SimMember {
  readonly timeline: TimelineEntry[] = [];
  private readonly submitted = new Set<string>();

  constructor(
    private readonly deps: MemberDeps,
    readonly record: MemberRecord,
  ) {}

  get id(): string {
    return this.record.user.id;
  }

  get name(): string {
    return this.record.user.username;
  }

  /** Opens or closes this member's DMs to the bot (Privacy settings): closed, the bot's DMs fail with 50007. */
  setDmsClosed(closed: boolean): void {
    this.record.dmsClosed = closed;
  }

  note(entry: Omit<TimelineEntry, 'at'>): void {
    const full = { at: this.deps.world.now(), ...entry };
    this.timeline.push(full);
    this.deps.onSeen?.(this.id, full);
  }

  private dispatch(kind: InteractionKind, data: Json, where: { dm: boolean; channelId: string }, extra: { message?: MessageRecord; answersModal?: ModalView } = {}): InteractionHandle {
    const { world, interactions, gateway } = this.deps;
    if (!gateway.hasSession()) throw new MemberCannot('the bot is not logged in to the gateway, nothing would receive the interaction');
    const id = world.ids.next();
    const token = interactionToken(id, randomBytes(48).toString('base64url'));
    const channel = where.dm ? world.dmChannel(this.id) : world.channels.get(where.channelId)!;
    const payload: Json = {
      id,
      application_id: world.applicationId,
      type: INTERACTION[kind],
      data,
      token,
      version: 1,
      locale: 'en-US',
      app_permissions: BOT_PERMISSIONS.toString(),
      entitlements: [],
      authorizing_integration_owners: where.dm ? {} : { '0': world.guildId },
      context: where.dm ? 1 : 0,
      attachment_size_limit: 10 * 1024 * 1024,
      channel_id: channel.id,
      channel: where.dm ? world.channelJson(channel) : { ...world.channelJson(channel), permissions: this.record.permissions.toString() },
      ...(where.dm
        ? { user: world.userJson(this.record.user) }
        : { guild_id: world.guildId, guild: { id: world.guildId, locale: 'en-US', features: [] }, guild_locale: 'en-US', member: world.memberJson(this.record, true) }),
      ...(extra.message ? { message: world.messageJson(extra.message) } : {}),
    };
    const record: InteractionRecord = {
      id,
      token,
      kind,
      userId: this.id,
      channelId: channel.id,
      dm: where.dm,
      createdAt: world.now(),
      dispatchedPerf: performance.now(),
      ackPerf: null,
      payload,
      ackType: null,
      ackEphemeral: false,
      originalMessageId: null,
      sourceMessageId: extra.message?.id ?? null,
      modal: null,
      answersModal: extra.answersModal ?? null,
      choices: null,
      followupIds: [],
      refusals: [],
    };
    interactions.add(record);
    gateway.dispatch('INTERACTION_CREATE', payload);
    const timers = this.deps.deadlineTimers;
    if (timers) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (record.ackType !== null || record.refusals.some((r) => r.code === 10062)) return;
        this.note({ kind: 'failed', text: 'This interaction failed', interactionId: record.id });
        this.deps.changes.notify();
      }, FIRST_RESPONSE_MS + 1);
      timer.unref();
      timers.add(timer);
    }
    return new InteractionHandle(this.deps, record);
  }

  private place(where: Where): { dm: boolean; channelId: string } {
    const dm = where.dm ?? false;
    const channelId = where.channelId ?? this.deps.world.defaultChannelId;
    if (!dm) {
      const channel = this.deps.world.channels.get(channelId);
      if (!channel || channel.type !== 0) throw new MemberCannot(`no guild text channel ${channelId}`);
    }
    return { dm, channelId };
  }

  /** Runs a slash command, e.g. `slash('bank', { subcommand: 'add', options: { name: 'chase' } })`. */
  slash(name: string, call: CommandCall = {}, where: Where = {}): InteractionHandle {
    const place = this.place(where);
    const { data } = commandData(this.deps.world, this.record, name, call, { dm: place.dm, ignorePermissions: where.ignorePermissions });
    this.note({ kind: 'you', text: `${describeCall(name, call)}${place.dm ? ' (in DM)' : ''}` });
    return this.dispatch('command', data, place);
  }

  /** Types into an autocompleting option (`focused`, with what is typed so far in `options`); resolves with the choices. */
  async autocomplete(name: string, call: CommandCall & { focused: string }, where: Where & WaitOptions = {}): Promise<Choice[]> {
    const place = this.place(where);
    const { data } = commandData(this.deps.world, this.record, name, call, { dm: place.dm, ignorePermissions: where.ignorePermissions, focused: call.focused });
    const handle = this.dispatch('autocomplete', data, place);
    const first = await handle.response(where);
    return first.choices ?? [];
  }

  private visibleRecord(message: SeenMessage | string): MessageRecord {
    const id = typeof message === 'string' ? message : message.id;
    const record = this.deps.world.messages.get(id);
    if (!record || record.deleted || !this.canSee(record)) throw new MemberCannot(`${this.name} cannot see message ${id}`);
    return record;
  }

  /** Whether this member can see a message: DMs to them, their ephemeral replies, anything public in the guild. */
  canSee(message: MessageRecord): boolean {
    if (message.deleted) return false;
    if (message.visibleTo !== null) return message.visibleTo === this.id;
    const channel = this.deps.world.channels.get(message.channelId);
    if (!channel) return false;
    return channel.type === 0 || channel.recipientId === this.id;
  }

  private componentIn(message: MessageRecord, customId: string, type: number): Json {
    let found: Json | undefined;
    const visit = (cs: Json[]): void => {
      for (const c of cs) {
        if (c.type === type && c.custom_id === customId) found = c;
        visit(asArray(c.components));
      }
    };
    visit(message.components);
    if (!found) {
      throw new MemberCannot(`message ${message.id} has no ${type === COMPONENT.button ? 'button' : 'select menu'} ${customId}; it shows: ${messageText(message)}`);
    }
    if (found.disabled === true) throw new MemberCannot(`the ${String(found.label ?? customId)} button is disabled`);
    return found;
  }

  /** Clicks a button (by custom_id) on a message this member can see. */
  click(message: SeenMessage | string, customId: string): InteractionHandle {
    const record = this.visibleRecord(message);
    const button = this.componentIn(record, customId, COMPONENT.button);
    if (button.style === 5) throw new MemberCannot('a link button opens a URL; no interaction reaches the bot');
    this.note({ kind: 'you', text: `clicked [${String(button.label ?? customId)}]`, messageId: record.id });
    const channel = this.deps.world.channels.get(record.channelId)!;
    return this.dispatch('component', { custom_id: customId, component_type: COMPONENT.button, id: button.id }, { dm: channel.type === 1, channelId: channel.id }, { message: record });
  }

  /** Picks values in a string select menu on a message this member can see. */
  select(message: SeenMessage | string, customId: string, values: string[]): InteractionHandle {
    const record = this.visibleRecord(message);
    const menu = this.componentIn(record, customId, COMPONENT.stringSelect);
    const allowed = new Set(asArray(menu.options).map((o) => String(o.value)));
    for (const v of values) if (!allowed.has(v)) throw new MemberCannot(`select ${customId} has no option ${v}`);
    this.note({ kind: 'you', text: `picked ${values.join(', ')}`, messageId: record.id });
    const channel = this.deps.world.channels.get(record.channelId)!;
    return this.dispatch('component', { custom_id: customId, component_type: COMPONENT.stringSelect, id: menu.id, values }, { dm: channel.type === 1, channelId: channel.id }, { message: record });
  }

  /**
   * Fills in and submits a modal the bot showed this member, values by text input custom_id. The Discord client
   * enforces required fields and min/max lengths, so breaking them throws here and nothing reaches the bot.
   */
  submitModal(modal: ModalView, values: Record<string, string>): InteractionHandle {
    const { interactions, world } = this.deps;
    const opener = interactions.byId.get(modal.interactionId);
    if (!opener || opener.userId !== this.id) throw new MemberCannot(`${this.name} was not shown modal ${modal.customId}`);
    if (this.submitted.has(modal.interactionId)) throw new MemberCannot('this modal was already submitted; it closed');
    for (const key of Object.keys(values)) {
      if (!modal.fields.some((f) => f.customId === key)) throw new MemberCannot(`modal ${modal.customId} has no field ${key}`);
    }
    for (const field of modal.fields) {
      const value = values[field.customId] ?? '';
      const length = [...value].length;
      if (field.required && length === 0) throw new MemberCannot(`modal field "${field.label}" is required`);
      if (length > 0 && field.minLength !== null && length < field.minLength) throw new MemberCannot(`modal field "${field.label}" needs at least ${field.minLength} characters`);
      if (length > (field.maxLength ?? 4000)) throw new MemberCannot(`modal field "${field.label}" takes at most ${field.maxLength ?? 4000} characters`);
    }
    const mirror = (c: Json): Json => {
      if (c.type === COMPONENT.actionRow) return { type: 1, id: c.id, components: asArray(c.components).map(mirror) };
      if (c.type === COMPONENT.label) return { type: 18, id: c.id, component: mirror(c.component as Json) };
      if (c.type === COMPONENT.textInput) return { type: 4, id: c.id, custom_id: c.custom_id, value: values[String(c.custom_id)] ?? '' };
      if (c.type === COMPONENT.textDisplay) return { type: 10, id: c.id };
      return { type: c.type, id: c.id, custom_id: c.custom_id, values: [] };
    };
    this.submitted.add(modal.interactionId);
    // Never the values: they may be a password or a security answer, and the transcript is printed.
    const filled = modal.fields.filter((f) => (values[f.customId] ?? '') !== '').length;
    this.note({ kind: 'you', text: `submitted "${modal.title}" (${filled} of ${modal.fields.length} fields filled)` });
    const source = opener.sourceMessageId ? world.messages.get(opener.sourceMessageId) : undefined;
    return this.dispatch(
      'modalSubmit',
      { custom_id: modal.customId, components: modal.components.map(mirror) },
      { dm: opener.dm, channelId: opener.channelId },
      { ...(source && !source.deleted ? { message: source } : {}), answersModal: modal },
    );
  }

  /**
   * A modified client replaying a custom_id this member was never shown (someone else's, or a made-up one): the
   * click reaches the bot as a real one would. With `messageId` it claims to come from that message (even one
   * the member cannot see); otherwise from a message that exists nowhere, so the bot can only answer it anew.
   */
  forgeClick(customId: string, where: Where & { messageId?: string } = {}): InteractionHandle {
    const { world } = this.deps;
    const real = where.messageId ? world.messages.get(where.messageId) : undefined;
    if (where.messageId && !real) throw new Error(`forgeClick: no message ${where.messageId}`);
    const place = real ? { dm: world.channels.get(real.channelId)?.type === 1, channelId: real.channelId } : this.place(where);
    if (real && place.dm && world.channels.get(real.channelId)?.recipientId !== this.id) {
      // Another member's DM: the forged click claims the forger's own DM channel, carrying the foreign message.
      place.channelId = world.dmChannel(this.id).id;
    }
    this.note({ kind: 'you', text: `(forged) clicked ${customId}` });
    const ghost: MessageRecord = real ?? {
      id: world.ids.next(),
      channelId: place.dm ? world.dmChannel(this.id).id : place.channelId,
      authorId: world.bot.id,
      content: '',
      embeds: [],
      components: [{ type: 1, id: 1, components: [{ type: 2, id: 2, style: 1, custom_id: customId, label: '?' }] }],
      attachments: [],
      flags: 0,
      createdAt: world.now(),
      editedAt: null,
      edits: 0,
      deleted: false,
      visibleTo: null,
      interactionId: null,
      type: 0,
    };
    const handle = this.dispatch('component', { custom_id: customId, component_type: COMPONENT.button, id: 2 }, place, { message: ghost });
    if (!real) handle.record.sourceMessageId = null;
    return handle;
  }

  /** A modified client submitting a modal it was never shown: `values` by text input custom_id. */
  forgeModalSubmit(customId: string, values: Record<string, string>, where: Where & { layout?: 'label' | 'row' } = {}): InteractionHandle {
    const place = this.place(where);
    const layout = where.layout ?? 'label';
    let id = 0;
    const components = Object.entries(values).map(([inputId, value]) => {
      const input = { type: 4, id: (id += 2), custom_id: inputId, value };
      return layout === 'label' ? { type: 18, id: id - 1, component: input } : { type: 1, id: id - 1, components: [input] };
    });
    this.note({ kind: 'you', text: `(forged) submitted modal ${customId}` });
    return this.dispatch('modalSubmit', { custom_id: customId, components }, place);
  }

  /** Writes to the bot in their DM (MESSAGE_CREATE reaches the bot with the DirectMessages intent). */
  sendDm(content: string): SeenMessage {
    const { world, gateway } = this.deps;
    const channel = world.dmChannel(this.id);
    const message = world.addMessage({ content, embeds: [], components: [], attachments: [], flags: 0, channelId: channel.id, authorId: this.id, visibleTo: null, interactionId: null, type: 0 });
    this.note({ kind: 'you', text: `wrote in DM: ${content}`, messageId: message.id });
    if (gateway.intents() & (1 << 12)) gateway.dispatch('MESSAGE_CREATE', { ...world.messageJson(message), channel_type: 1 });
    this.deps.changes.notify();
    return seenMessage(message);
  }

  /** Messages the bot sent to this member's DM on its own (not interaction replies), edits applied, oldest first. */
  dms(): SeenMessage[] {
    const channelId = this.record.dmChannelId;
    if (!channelId) return [];
    return this.deps.world
      .messagesIn(channelId)
      .filter((m) => m.authorId === this.deps.world.bot.id && m.interactionId === null && !m.deleted)
      .map(seenMessage);
  }

  /** Waits for a DM (new or edited into shape) satisfying the predicate. */
  waitForDm(predicate: (dm: SeenMessage) => boolean = () => true, options: WaitOptions = {}): Promise<SeenMessage> {
    return this.deps.changes.until(() => this.dms().find(predicate), `a DM to ${this.name} matching the predicate`, options.timeoutMs ?? DEFAULT_WAIT_MS, () =>
      JSON.stringify(this.dms().map((d) => d.text)),
    );
  }

  /** Everything this member can see in a channel (default: the guild's #general), ephemeral replies to them included. */
  visibleMessages(channelId = this.deps.world.defaultChannelId): SeenMessage[] {
    return this.deps.world.messagesIn(channelId).filter((m) => this.canSee(m)).map(seenMessage);
  }

  /** The timeline as text, one block per entry: what the member did, saw, and was asked. */
  transcript(): string {
    return this.timeline.map((e) => formatEntry(this.name, e)).join('\n');
  }
}

export function formatEntry(name: string, e: TimelineEntry): string {
  const label: Record<TimelineEntry['kind'], string> = {
    you: `${name} >`,
    reply: 'bot (reply)',
    dm: 'bot (DM)',
    message: 'bot',
    edit: 'bot (edited)',
    'dm-edit': 'bot (DM edited)',
    deleted: 'bot (deleted)',
    modal: 'bot (modal)',
    failed: 'discord',
  };
  const lines = e.text.split('\n');
  const head = `${label[e.kind]}: `;
  return [head + (lines[0] ?? ''), ...lines.slice(1).map((l) => ' '.repeat(head.length) + l)].join('\n');
}

/** Puts what happened on each affected member's timeline. */
export class Timelines {
  constructor(
    private readonly deps: MemberDeps,
    private readonly members: Map<string, SimMember>,
  ) {}

  private viewers(message: MessageRecord): SimMember[] {
    const world = this.deps.world;
    if (message.visibleTo !== null) return [this.members.get(message.visibleTo)].filter((m): m is SimMember => !!m);
    const channel = world.channels.get(message.channelId);
    if (channel?.type === 1) return [this.members.get(channel.recipientId!)].filter((m): m is SimMember => !!m);
    // A public reply in a guild channel: on the timeline of whoever ran the interaction.
    const record = message.interactionId ? this.deps.interactions.byId.get(message.interactionId) : undefined;
    return record ? [this.members.get(record.userId)].filter((m): m is SimMember => !!m) : [];
  }

  created(message: MessageRecord): void {
    const kind = message.interactionId ? 'reply' : this.deps.world.channels.get(message.channelId)?.type === 1 ? 'dm' : 'message';
    for (const m of this.viewers(message)) m.note({ kind, text: messageText(message), messageId: message.id, interactionId: message.interactionId ?? undefined });
  }

  edited(message: MessageRecord): void {
    // A DM the bot sent on its own (the challenge) and the reply to a command are edited side by side: say which.
    const inDm = !message.interactionId && this.deps.world.channels.get(message.channelId)?.type === 1;
    const kind = inDm ? 'dm-edit' : 'edit';
    for (const m of this.viewers(message)) m.note({ kind, text: messageText(message), messageId: message.id });
  }

  deleted(message: MessageRecord): void {
    for (const m of this.viewers(message)) m.note({ kind: 'deleted', text: `(a message was removed)`, messageId: message.id });
  }

  acknowledged(record: InteractionRecord): void {
    if (record.ackType === CALLBACK.modal && record.modal) this.members.get(record.userId)?.note({ kind: 'modal', text: modalText(record.modal), interactionId: record.id });
  }

  refused(record: InteractionRecord, refusal: Refusal): void {
    const member = this.members.get(record.userId);
    const already = member?.timeline.some((e) => e.kind === 'failed' && e.interactionId === record.id);
    if (refusal.code === 10062 && record.ackType === null && refusal.route.includes('/callback') && !already) {
      member?.note({ kind: 'failed', text: 'This interaction failed', interactionId: record.id });
    }
  }
}
