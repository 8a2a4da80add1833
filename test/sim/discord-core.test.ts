/**
 * The real discord.js 14 client against sim/discord: login, command registration, replies of every kind,
 * ephemeral visibility, autocomplete, buttons, modals in both layouts, DMs. The bot in each test is a few lines.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  InteractionContextType,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Message } from 'discord.js';
import { MemberCannot } from '../../sim/discord/index.ts';
import { startTestBot } from './discord-client.ts';
import type { TestBot } from './discord-client.ts';

const bankCommand = new SlashCommandBuilder()
  .setName('bank')
  .setDescription('Your bank connections')
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add a connection')
      .addStringOption((o) => o.setName('name').setDescription('Your name for it').setRequired(true))
      .addStringOption((o) => o.setName('bank').setDescription('From the directory').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('version').setDescription('OFX version').addChoices({ name: '1.0.3', value: 103 }, { name: '2.2.0', value: 220 })),
  )
  .addSubcommand((s) => s.setName('list').setDescription('List your connections'));
const syncCommand = new SlashCommandBuilder().setName('sync').setDescription('Sync').setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);
const householdCommand = new SlashCommandBuilder()
  .setName('household')
  .setDescription('Household settings')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('channel')
      .setDescription('Where summaries go')
      .addChannelOption((o) => o.setName('channel').setDescription('Channel').addChannelTypes(ChannelType.GuildText).setRequired(true)),
  );
const allCommands = [bankCommand, syncCommand, householdCommand].map((c) => c.toJSON());

describe('sim/discord with the real discord.js client', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot();
    await bot.client.application.commands.set(allCommands);
  });
  afterEach(async () => {
    await bot.close();
  });

  it('logs in: READY names the application, the guild and its channel are cached', async () => {
    const { client, discord } = bot;
    expect(client.application.id).toBe(discord.applicationId);
    expect(client.user.id).toBe(discord.applicationId);
    const guild = client.guilds.cache.get(discord.guildId);
    expect(guild?.name).toBe('Household');
    expect(guild?.channels.cache.get(discord.channelId)?.type).toBe(ChannelType.GuildText);
    expect(discord.gateway.identifies).toBe(1);
    expect(discord.callsTo('GET /gateway/bot')).toHaveLength(1);
  });

  it('stores the registered command set with its contexts and keeps ids across a re-registration', async () => {
    const { discord, client } = bot;
    const first = discord.registeredCommands();
    expect(first.map((c) => c.name)).toEqual(['bank', 'sync', 'household']);
    expect(first.find((c) => c.name === 'bank')?.contexts).toEqual([0, 1]);
    expect(first.find((c) => c.name === 'household')?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    await client.application.commands.set(allCommands.slice(0, 2));
    const second = discord.registeredCommands();
    expect(second.map((c) => c.name)).toEqual(['bank', 'sync']);
    expect(second[0]?.id).toBe(first[0]?.id);
    const put = discord.callsTo('PUT /applications/:app/commands');
    expect(put).toHaveLength(2);
    expect((put[1]?.body as unknown[]).length).toBe(2);
    // Guild registration is a separate set.
    await client.application.commands.set([syncCommand.toJSON()], discord.guildId);
    expect(discord.registeredCommands(discord.guildId).map((c) => c.name)).toEqual(['sync']);
  });

  it('refuses a command set Discord would refuse (50035 with the path)', async () => {
    const bad = { ...syncCommand.toJSON(), name: 'Sync Now' };
    await expect(bot.client.application.commands.set([bad])).rejects.toMatchObject({ code: 50035, status: 400 });
  });

  it('delivers a slash command with subcommand and options; the reply is what the member sees', async () => {
    const alice = bot.discord.addMember({ id: '1001', name: 'alice' });
    const seen: Array<Record<string, unknown>> = [];
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push({ name: i.commandName, sub: i.options.getSubcommand(), name2: i.options.getString('name'), version: i.options.getInteger('version'), user: i.user.id, guild: i.guildId });
      await i.reply({ content: `added ${i.options.getString('name')}`, flags: MessageFlags.Ephemeral });
    });
    const h = alice.slash('bank', { subcommand: 'add', options: { name: 'chase', version: 220 } });
    const first = await h.response();
    expect(first.kind).toBe('reply');
    expect(first.ephemeral).toBe(true);
    expect(first.message?.content).toBe('added chase');
    expect(seen).toEqual([{ name: 'bank', sub: 'add', name2: 'chase', version: 220, user: '1001', guild: bot.discord.guildId }]);
    expect(h.replies.map((r) => r.content)).toEqual(['added chase']);
  });

  it('defer then edit, then a follow-up: @original is edited in place', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await gate;
      await i.editReply('signing on');
      await i.editReply('done: 12 new');
      await i.followUp({ content: 'by the way', flags: MessageFlags.Ephemeral });
    });
    const h = alice.slash('sync');
    const first = await h.response();
    expect(first.kind).toBe('deferReply');
    expect(first.message?.loading).toBe(true);
    release();
    const replies = await h.waitFor((rs) => rs.length === 2);
    expect(replies.map((r) => r.content)).toEqual(['done: 12 new', 'by the way']);
    expect(replies[0]).toMatchObject({ loading: false, edits: 2, ephemeral: true });
    expect(bot.discord.callsTo('PATCH /webhooks/:app/:token/messages/:message').map((c) => c.path.endsWith('/messages/@original'))).toEqual([true, true]);
  });

  it('ephemeral replies are seen by the invoker only; public ones by everyone', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    const bob = bot.discord.addMember({ name: 'bob' });
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const sub = i.options.getSubcommand();
      await i.reply(sub === 'list' ? { content: 'your banks: chase', flags: MessageFlags.Ephemeral } : { content: 'public note' });
    });
    const secret = (await alice.slash('bank', { subcommand: 'list' }).response()).message!;
    const open = (await alice.slash('bank', { subcommand: 'add', options: { name: 'x' } }).response()).message!;
    expect(alice.visibleMessages().map((m) => m.id)).toEqual([secret.id, open.id]);
    expect(bob.visibleMessages().map((m) => m.id)).toEqual([open.id]);
    expect(bot.discord.channelMessages().map((m) => m.content)).toEqual(['public note']);
    expect(() => bob.click(secret, 'anything')).toThrow(MemberCannot);
  });

  it('autocomplete: the focused option and what was typed reach the bot; choices come back', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    bot.onInteraction(async (i) => {
      if (!i.isAutocomplete()) return;
      const focused = i.options.getFocused(true);
      const all = ['Chase', 'Charles Schwab', 'Citi'];
      await i.respond(all.filter((n) => n.toLowerCase().startsWith(focused.value.toLowerCase())).map((n) => ({ name: `${focused.name}: ${n}`, value: n })));
    });
    const choices = await alice.autocomplete('bank', { subcommand: 'add', focused: 'bank', options: { name: 'x', bank: 'ch' } });
    expect(choices).toEqual([
      { name: 'bank: Chase', value: 'Chase' },
      { name: 'bank: Charles Schwab', value: 'Charles Schwab' },
    ]);
  });

  describe.each(['label', 'row'] as const)('button → modal → submit, %s layout', (layout) => {
    it('the modal shows its questions; the submitted values reach the bot', async () => {
      const alice = bot.discord.addMember({ name: 'alice' });
      const got: Record<string, string> = {};
      bot.onInteraction(async (i) => {
        if (i.isChatInputCommand()) {
          await i.reply({
            content: 'Your bank asks two questions.',
            flags: MessageFlags.Ephemeral,
            components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('answer:abc').setLabel('Answer').setStyle(ButtonStyle.Primary))],
          });
        } else if (i.isButton()) {
          const modal = new ModalBuilder().setCustomId('modal:abc').setTitle('Security questions');
          const questions = [
            ['q1', 'What was the name of your first pet?', 'MFA16'],
            ['q2', 'In which city were you born?', 'MFA17'],
          ] as const;
          if (layout === 'label') {
            modal.addLabelComponents(
              ...questions.map(([id, text, hint]) =>
                new LabelBuilder().setLabel(text.slice(0, 45)).setDescription(`${hint}: ${text}`).setTextInputComponent(new TextInputBuilder().setCustomId(id).setStyle(TextInputStyle.Short)),
              ),
            );
          } else {
            modal.addComponents(
              ...questions.map(([id, text]) => new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId(id).setLabel(text.slice(0, 45)).setStyle(TextInputStyle.Short))),
            );
          }
          await i.showModal(modal);
        } else if (i.isModalSubmit()) {
          got.q1 = i.fields.getTextInputValue('q1');
          got.q2 = i.fields.getTextInputValue('q2');
          got.customId = i.customId;
          if (!i.isFromMessage()) throw new Error('the modal should have come from the button');
          await i.update({ content: 'Answers sent.', components: [] });
        }
      });
      const prompt = (await alice.slash('sync').response()).message!;
      expect(prompt.buttons).toEqual([{ customId: 'answer:abc', label: 'Answer', style: 1, disabled: false, url: null }]);
      const modal = await alice.click(prompt, 'answer:abc').modal();
      expect(modal.layout).toBe(layout);
      expect(modal.title).toBe('Security questions');
      expect(modal.fields.map((f) => f.label)).toEqual(['What was the name of your first pet?', 'In which city were you born?']);
      if (layout === 'label') expect(modal.fields[0]?.description).toBe('MFA16: What was the name of your first pet?');
      const submit = alice.submitModal(modal, { q1: 'Rex', q2: 'Lyon' });
      expect((await submit.response()).kind).toBe('update');
      expect(got).toEqual({ q1: 'Rex', q2: 'Lyon', customId: 'modal:abc' });
      // The ephemeral prompt was updated in place (the modal came from its button).
      expect(alice.visibleMessages().find((m) => m.id === prompt.id)).toMatchObject({ content: 'Answers sent.', buttons: [] });
      // The transcript shows the questions but never the answers.
      expect(alice.transcript()).toContain('In which city were you born?');
      expect(alice.transcript()).not.toMatch(/Rex|Lyon/);
      expect(() => alice.submitModal(modal, { q1: 'again', q2: 'again' })).toThrow(MemberCannot);
    });
  });

  it('a member cannot submit a required field empty, nor another member\'s modal', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    const bob = bot.discord.addMember({ name: 'bob' });
    bot.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        await i.showModal(new ModalBuilder().setCustomId('m').setTitle('T').addLabelComponents(new LabelBuilder().setLabel('Password').setTextInputComponent(new TextInputBuilder().setCustomId('pw').setStyle(TextInputStyle.Short).setMinLength(4))));
      }
    });
    const modal = await alice.slash('sync').modal();
    expect(() => alice.submitModal(modal, {})).toThrow(/required/);
    expect(() => alice.submitModal(modal, { pw: 'abc' })).toThrow(/at least 4/);
    expect(() => bob.submitModal(modal, { pw: 'abcd' })).toThrow(MemberCannot);
  });

  it('a forged click or modal submit (a modified client replaying ids) reaches the bot as a real one would', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    const mallory = bot.discord.addMember({ name: 'mallory' });
    const seen: Array<[string, string, string]> = [];
    bot.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        await i.reply({ content: 'prompt', flags: MessageFlags.Ephemeral, components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('answer:alice-only').setLabel('Answer').setStyle(ButtonStyle.Primary))] });
      } else if (i.isButton()) {
        seen.push(['button', i.customId, i.user.username]);
        await i.reply({ content: 'not yours', flags: MessageFlags.Ephemeral });
      } else if (i.isModalSubmit()) {
        seen.push(['modal', `${i.customId}:${i.fields.getTextInputValue('q1')}`, i.user.username]);
        await i.reply({ content: 'not yours', flags: MessageFlags.Ephemeral });
      }
    });
    const prompt = (await alice.slash('sync').response()).message!;
    expect(() => mallory.click(prompt, 'answer:alice-only')).toThrow(MemberCannot);
    const forged = mallory.forgeClick('answer:alice-only', { messageId: prompt.id });
    expect((await forged.response()).message?.content).toBe('not yours');
    await mallory.forgeClick('answer:made-up', { dm: true }).response();
    await mallory.forgeModalSubmit('modal:alice-only', { q1: 'guess' }, { dm: true }).response();
    expect(seen).toEqual([
      ['button', 'answer:alice-only', 'mallory'],
      ['button', 'answer:made-up', 'mallory'],
      ['modal', 'modal:alice-only:guess', 'mallory'],
    ]);
    expect(mallory.visibleMessages().some((m) => m.id === prompt.id)).toBe(false);
  });

  it('a DM is sent and edited; the member sees the edit; the member writes back and the bot hears it', async () => {
    const alice = bot.discord.addMember({ id: '2002', name: 'alice' });
    const user = await bot.client.users.fetch('2002');
    const sent = await user.send({ content: 'Chase asks 2 questions', components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('a').setLabel('Answer').setStyle(ButtonStyle.Primary))] });
    expect(sent.channel.type).toBe(ChannelType.DM);
    const dm = await alice.waitForDm((m) => m.content.startsWith('Chase'));
    expect(dm.buttons.map((b) => b.label)).toEqual(['Answer']);
    await sent.edit({ content: 'Answers accepted, key saved', components: [] });
    const edited = await alice.waitForDm((m) => m.edits === 1);
    expect(edited).toMatchObject({ id: dm.id, content: 'Answers accepted, key saved', buttons: [] });
    expect(alice.dms()).toHaveLength(1);

    const heard = new Promise<Message>((resolve) => bot.onMessage((m) => m.author.id === '2002' && resolve(m)));
    alice.sendDm('hello bot');
    const message = await heard;
    expect(message.content).toBe('hello bot');
    expect(message.channel.type).toBe(ChannelType.DM);
    expect(message.guildId).toBeNull();
  });

  it('a command in the bot DM: context 1, user instead of member; guild-only commands are not there', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    const seen: Array<unknown> = [];
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push([i.context, i.inGuild(), i.channel?.type, i.user.id]);
      await i.reply('ok');
    });
    await alice.slash('sync', {}, { dm: true }).response();
    expect(seen).toEqual([[InteractionContextType.BotDM, false, ChannelType.DM, alice.id]]);
    expect(() => alice.slash('household', { subcommand: 'channel', options: { channel: bot.discord.channelId } }, { dm: true })).toThrow(/no command \/household/);
  });

  it('member permissions travel in the payload; a Manage Server command is hidden from others', async () => {
    const owner = bot.discord.addMember({ name: 'owner', manageGuild: true });
    const kid = bot.discord.addMember({ name: 'kid' });
    const perms: Array<[string, boolean]> = [];
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      perms.push([i.user.username, i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false]);
      const channel = i.options.getChannel('channel', true);
      await i.reply({ content: `summaries go to #${channel.name}`, flags: MessageFlags.Ephemeral });
    });
    const h = owner.slash('household', { subcommand: 'channel', options: { channel: bot.discord.channelId } });
    expect((await h.response()).message?.content).toBe('summaries go to #general');
    expect(() => kid.slash('household', { subcommand: 'channel', options: { channel: bot.discord.channelId } })).toThrow(/lacks/);
    // A server admin may open the command to everyone; the bot must then check for itself.
    await kid.slash('household', { subcommand: 'channel', options: { channel: bot.discord.channelId } }, { ignorePermissions: true }).response();
    expect(perms).toEqual([
      ['owner', true],
      ['kid', false],
    ]);
  });

  it('refuses what the Discord client would not send: unknown options, wrong types, values outside the choices', () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    expect(() => alice.slash('bank', { subcommand: 'add', options: {} })).toThrow(/needs option name/);
    expect(() => alice.slash('bank', { subcommand: 'add', options: { name: 'x', version: 999 } })).toThrow(/one of/);
    expect(() => alice.slash('bank', { subcommand: 'add', options: { name: 'x', nope: 'y' } })).toThrow(/no option nope/);
    expect(() => alice.slash('bank', {})).toThrow(/needs a subcommand/);
    expect(() => alice.slash('nothing')).toThrow(/no command \/nothing/);
  });

  it('records every REST call with its route and body, attachments included', async () => {
    const alice = bot.discord.addMember({ name: 'alice' });
    const csv = 'date,amount\n2026-01-02,-12.50\n';
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'csv attached', files: [{ attachment: Buffer.from(csv), name: 'transactions.csv' }], flags: MessageFlags.Ephemeral });
    });
    const first = await alice.slash('sync').response();
    expect(first.message?.attachments).toEqual([{ filename: 'transactions.csv', contentType: expect.any(String), size: Buffer.byteLength(csv), text: csv }]);
    const call = bot.discord.callsTo('POST /interactions/:interaction/:token/callback').at(-1)!;
    expect(call).toMatchObject({ method: 'POST', status: 204, files: ['transactions.csv'] });
    expect((call.body as { type: number }).type).toBe(4);
  });
});
