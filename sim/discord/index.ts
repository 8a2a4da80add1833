/**
 * The Discord stand-in: a real server on 127.0.0.1 speaking enough of Discord's REST API (v10) and gateway for
 * the unmodified discord.js 14 client, with an API for tests and the demo to act as household members.
 *
 * ```ts
 * const discord = await startDiscordSim({ now: () => clock });          // clock optional (default Date.now)
 * const client = new Client({ rest: { api: discord.apiBase }, intents: [Guilds, DirectMessages], partials: [Partials.Channel] });
 * await client.login(discord.token);                                    // gateway URL comes from GET /gateway/bot
 *
 * const alice = discord.addMember({ id: '1001', name: 'alice', manageGuild: true, dmsClosed: false });
 * const sync = alice.slash('sync', { options: { bank: 'chase' } });     // { group?, subcommand?, options? }, { dm?, channelId? }
 * const first = await sync.response();                                  // { kind: 'reply'|'deferReply'|'modal'|..., ephemeral, message, modal, latencyMs }
 * await sync.waitForReply((m) => m.content.includes('done'));           // sync.replies: original + follow-ups, edits applied
 * const dm = await alice.waitForDm((m) => m.buttons.some((b) => b.label === 'Answer'));
 * const modal = await alice.click(dm, dm.buttons[0].customId!).modal(); // { title, layout: 'label'|'row', fields: [{ customId, label, description }] }
 * const submit = alice.submitModal(modal, { [modal.fields[0].customId]: 'blue' });
 * await alice.autocomplete('sync', { focused: 'bank', options: { bank: 'ch' } });   // → [{ name, value }]
 * alice.select(message, customId, ['value']);                          // string select menus
 * alice.sendDm('hello');  alice.dms();  alice.visibleMessages(channelId);  alice.transcript();
 * alice.forgeClick(customId, { messageId? , dm? }); alice.forgeModalSubmit(customId, values, { dm? }); // a modified client
 * alice.setDmsClosed(true);                                             // the bot's next DM gets 50007
 *
 * discord.restCalls / discord.callsTo('PATCH /webhooks/:app/:token/messages/:message')   // { method, route, path, body, status, code, response }
 * discord.failNext('POST /channels/:channel/messages', { status: 429, retryAfter: 0.2 }); // or { status: 403, code: 50013 }
 * discord.registeredCommands() / registeredCommands(discord.guildId)
 * await discord.dropGateway(); await discord.waitForResume();           // events meanwhile are replayed on RESUME
 * discord.channelMessages(channelId?)                                  // public messages in a guild channel
 * startDiscordSim({ onSeen: (memberId, entry) => print(formatEntry(name, entry)) })   // a live transcript
 * startDiscordSim({ onGatewayEvent: (t, d) => seen.push({ t, d }) })   // every gateway event sent to the bot
 * await discord.close();
 * ```
 *
 * A handle's waits (`response`, `modal`, `waitFor`, `waitForReply`, `waitForRefusal`) reject with
 * InteractionFailed once the bot's first response was refused as too late (10062), and with WaitTimeout at
 * their deadline. A refusal injected with failNext is answered before the routes see the call: find it among
 * `restCalls` (`injected: true`), not in a handle's `refusals`. Member actions the Discord client would not allow (an unregistered command, a missing
 * required option, a button on a message they cannot see, a required modal field left empty) throw
 * MemberCannot at once and nothing reaches the bot. Snapshots (`SeenMessage`, `ModalView`) are copies.
 * Advance an injected clock only after the first response unless the test is about the 3 s rule.
 * The first follow-up after a deferred reply replaces the "thinking..." message, as on Discord.
 *
 * Rules enforced as Discord does (codes as discord.js's DiscordAPIError carries them):
 * - first response later than 3 s after the interaction → 10062 Unknown interaction;
 * - a second acknowledgement → 40060; a modal only as a first response (never after a defer, nor to a modal
 *   submit or an autocomplete: 50035 type invalid);
 * - custom_id ≤ 100, modal: ≤ 5 components, title ≤ 45, label ≤ 45, description ≤ 100, value ≤ 4000; message
 *   content, embed and component limits → 50035 Invalid Form Body with the path of each problem; empty → 50006;
 * - the interaction token lives 15 minutes: callbacks after it → 10062, edits/follow-ups/fetches → 401 50027;
 * - a DM to a member with DMs closed → 403 50007; injected failures (429 with Retry-After, 5xx, any code);
 * - privileged intents not enabled → gateway close 4014; a wrong token → 401 / close 4004.
 * Ephemeral replies are seen by the invoker only. Waits are deadline-based (they settle on events); the
 * deadline is real time (default 10 s), the rules' clock is `now`.
 *
 * Routes (`discord.routes()` lists them): GET /gateway/bot, /users/@me, POST /users/@me/channels, GET /users/:user,
 * GET/PUT/POST /applications/:app/commands and /applications/:app/guilds/:guild/commands (DELETE …/:command),
 * POST /interactions/:interaction/:token/callback, POST /webhooks/:app/:token, GET/PATCH/DELETE
 * /webhooks/:app/:token/messages/:message (`@original` or an id), GET /channels/:channel, POST
 * /channels/:channel/messages, GET/PATCH/DELETE /channels/:channel/messages/:message, GET /guilds/:guild,
 * /guilds/:guild/channels, /guilds/:guild/members/:user.
 */
export { startDiscordSim } from './server.ts';
export type { AddMemberOptions, DiscordSim, DiscordSimOptions } from './server.ts';
export { InteractionFailed, InteractionHandle, SimMember, formatEntry } from './members.ts';
export type { FirstResponse, ResponseKind, TimelineEntry, WaitOptions, Where } from './members.ts';
export { MemberCannot } from './commands.ts';
export type { CommandCall, OptionValue } from './commands.ts';
export type { ModalField, ModalView, SeenAttachment, SeenButton, SeenMessage, SeenSelect } from './views.ts';
export { messageText, modalText } from './views.ts';
export type { Choice, Refusal } from './interactions.ts';
export { FIRST_RESPONSE_MS, TOKEN_LIFETIME_MS } from './interactions.ts';
export type { FailureSpec, RestCall } from './rest.ts';
export type { GatewayStats } from './gateway.ts';
export { LIMITS } from './limits.ts';
export { WaitTimeout } from './waiters.ts';
