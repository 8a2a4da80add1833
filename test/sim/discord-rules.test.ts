/**
 * The rules that bite real bots, enforced by sim/discord and surfaced by the real discord.js client as
 * DiscordAPIError with Discord's own codes: 3 s first response (10062), one acknowledgement (40060), modals only
 * first, payload limits (50035), the 15-minute token (50027 / 10062), closed DMs (50007), 429 with retry-after.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordAPIError, MessageFlags, RESTEvents, Routes } from 'discord.js';
import type { RateLimitData } from 'discord.js';
import { FIRST_RESPONSE_MS, InteractionFailed, TOKEN_LIFETIME_MS } from '../../sim/discord/index.ts';
import { startTestBot } from './discord-client.ts';
import type { TestBot } from './discord-client.ts';

const commands = [
  { name: 'sync', description: 'Sync', contexts: [0, 1] },
  { name: 'help', description: 'Help', contexts: [0, 1] },
];

const button = (customId: string) => ({ type: 1, components: [{ type: 2, style: 1, label: 'Answer', custom_id: customId }] });
const labelInput = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 18,
  label: `Question ${i}`,
  component: { type: 4, custom_id: `q${i}`, style: 1 },
  ...extra,
});

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DiscordAPIError);
    return error as DiscordAPIError;
  }
  throw new Error('expected a DiscordAPIError');
}

describe('sim/discord enforces Discord\'s rules', () => {
  let bot: TestBot;
  let clock = Date.now();
  const start = async (): Promise<TestBot> => {
    clock = Date.now();
    bot = await startTestBot({ now: () => clock });
    await bot.client.application.commands.set(commands);
    return bot;
  };
  afterEach(async () => {
    await bot?.close();
  });

  it(`a first response later than ${FIRST_RESPONSE_MS} ms is 10062 Unknown interaction; the member sees it fail`, async () => {
    await start();
    const alice = bot.discord.addMember({ name: 'alice' });
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      clock += FIRST_RESPONSE_MS + 1; // the bot took too long
      await i.deferReply({ flags: MessageFlags.Ephemeral });
    });
    const handle = alice.slash('sync');
    const error = await bot.nextError();
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect((error as DiscordAPIError).status).toBe(404);
    await expect(handle.response()).rejects.toBeInstanceOf(InteractionFailed);
    await expect(handle.response()).rejects.toMatchObject({ code: 10062 });
    expect(alice.timeline.map((e) => e.kind)).toEqual(['you', 'failed']);
  });

  it('just inside 3 s is accepted', async () => {
    await start();
    const alice = bot.discord.addMember({ name: 'alice' });
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      clock += FIRST_RESPONSE_MS - 1;
      await i.reply('in time');
    });
    expect((await alice.slash('sync').response()).message?.content).toBe('in time');
  });

  it('a second acknowledgement is 40060, and so is a modal after a defer', async () => {
    await start();
    const alice = bot.discord.addMember({ name: 'alice' });
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'sync') {
        await i.reply('first');
        // discord.js guards its own flags; a second handler (or process) holding the same interaction does not.
        await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'second' } }, auth: false });
      } else {
        await i.deferReply();
        await i.client.rest.post(Routes.interactionCallback(i.id, i.token), {
          body: { type: 9, data: { custom_id: 'm', title: 'T', components: [labelInput(1)] } },
          auth: false,
        });
      }
    });
    const first = alice.slash('sync');
    expect((await apiError(bot.nextError().then((e) => Promise.reject(e)))).code).toBe(40060);
    expect(first.replies.map((r) => r.content)).toEqual(['first']);
    expect(first.refusals).toEqual([expect.objectContaining({ code: 40060, status: 400 })]);
    alice.slash('help');
    expect((await apiError(bot.nextError().then((e) => Promise.reject(e)))).code).toBe(40060);
  });

  it('a modal cannot answer a modal submit nor an autocomplete (50035)', async () => {
    await start();
    await bot.client.application.commands.set([{ name: 'pick', description: 'Pick', options: [{ type: 3, name: 'bank', description: 'b', autocomplete: true }] }, ...commands]);
    const alice = bot.discord.addMember({ name: 'alice' });
    const modal = { type: 9, data: { custom_id: 'm2', title: 'Next questions', components: [labelInput(1)] } };
    bot.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.showModal({ custom_id: 'm1', title: 'Questions', components: [labelInput(1)] } as never);
      else await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: modal, auth: false });
    });
    const shown = await alice.slash('sync').modal();
    alice.submitModal(shown, { q1: 'x' });
    expect((await apiError(bot.nextError().then((e) => Promise.reject(e)))).code).toBe(50035);
    void alice.autocomplete('pick', { focused: 'bank', options: { bank: 'c' } }).catch(() => {});
    expect((await apiError(bot.nextError().then((e) => Promise.reject(e)))).code).toBe(50035);
  });

  describe('limits (50035 Invalid Form Body, naming the field)', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['custom_id of 101 characters', { type: 4, data: { content: 'x', components: [button('x'.repeat(101))] } }, /custom_id/],
      ['a modal of 6 components', { type: 9, data: { custom_id: 'm', title: 'T', components: [1, 2, 3, 4, 5, 6].map((n) => labelInput(n)) } }, /components/],
      ['a modal title of 46 characters', { type: 9, data: { custom_id: 'm', title: 't'.repeat(46), components: [labelInput(1)] } }, /title/],
      ['a label of 46 characters', { type: 9, data: { custom_id: 'm', title: 'T', components: [labelInput(1, { label: 'l'.repeat(46) })] } }, /label/],
      ['a label description of 101 characters', { type: 9, data: { custom_id: 'm', title: 'T', components: [labelInput(1, { description: 'd'.repeat(101) })] } }, /description/],
      ['a text input value of 4001 characters', { type: 9, data: { custom_id: 'm', title: 'T', components: [labelInput(1, { component: { type: 4, custom_id: 'q', style: 1, value: 'v'.repeat(4001) } })] } }, /value/],
      ['a modal custom_id of 101 characters', { type: 9, data: { custom_id: 'm'.repeat(101), title: 'T', components: [labelInput(1)] } }, /custom_id/],
      ['a text input labelled inside a Label', { type: 9, data: { custom_id: 'm', title: 'T', components: [labelInput(1, { component: { type: 4, custom_id: 'q', style: 1, label: 'dup' } })] } }, /label/],
      ['content of 2001 characters', { type: 4, data: { content: 'c'.repeat(2001) } }, /content/],
    ];
    it.each(cases)('%s', async (_what, body, field) => {
      await start();
      const alice = bot.discord.addMember({ name: 'alice' });
      bot.onInteraction(async (i) => {
        if (i.isChatInputCommand()) await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body, auth: false });
      });
      const handle = alice.slash('sync');
      const error = await apiError(bot.nextError().then((e) => Promise.reject(e)));
      expect(error.code).toBe(50035);
      expect(error.message).toMatch(field);
      // Refused, so not acknowledged: the bot may still answer within the 3 s.
      expect(handle.acknowledged).toBe(false);
    });

    it('exactly at the limits is accepted: 100-character custom_id, 5 Labels, 45/45/100/4000', async () => {
      await start();
      const alice = bot.discord.addMember({ name: 'alice' });
      bot.onInteraction(async (i) => {
        if (i.isChatInputCommand()) {
          await i.showModal({
            custom_id: 'm'.repeat(100),
            title: 't'.repeat(45),
            components: [1, 2, 3, 4, 5].map((n) => labelInput(n, { label: 'l'.repeat(45), description: 'd'.repeat(100), component: { type: 4, custom_id: `q${n}`, style: 2, value: 'v'.repeat(4000) } })),
          } as never);
        }
      });
      const modal = await alice.slash('sync').modal();
      expect(modal.fields).toHaveLength(5);
    });

    it('an empty message is 50006', async () => {
      await start();
      const alice = bot.discord.addMember({ name: 'alice' });
      bot.onInteraction(async (i) => {
        if (i.isChatInputCommand()) await i.reply({ content: '' });
      });
      alice.slash('sync');
      expect((await apiError(bot.nextError().then((e) => Promise.reject(e)))).code).toBe(50006);
    });
  });

  it('the token lives 15 minutes: then edits and follow-ups are 50027, a callback 10062', async () => {
    await start();
    const alice = bot.discord.addMember({ name: 'alice' });
    const outcomes: unknown[] = [];
    let interactionDone!: () => void;
    const done = new Promise<void>((r) => (interactionDone = r));
    bot.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply('signing on');
      clock += TOKEN_LIFETIME_MS - 1;
      await i.editReply('still within the token');
      clock += 2;
      for (const attempt of [() => i.editReply('too late'), () => i.followUp('too late'), () => i.fetchReply()]) {
        outcomes.push(await attempt().then(() => 'ok', (e: DiscordAPIError) => [e.code, e.status]));
      }
      outcomes.push(
        await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'x' } }, auth: false }).then(() => 'ok', (e: DiscordAPIError) => [e.code, e.status]),
      );
      interactionDone();
    });
    const handle = alice.slash('sync');
    await done;
    expect(outcomes).toEqual([
      [50027, 401],
      [50027, 401],
      [50027, 401],
      [10062, 404],
    ]);
    expect(handle.replies.map((r) => r.content)).toEqual(['still within the token']);
  });

  it('a DM to a member with DMs closed is 50007; opening them makes it work', async () => {
    await start();
    const alice = bot.discord.addMember({ id: '3003', name: 'alice', dmsClosed: true });
    const user = await bot.client.users.fetch('3003');
    const error = await apiError(user.send('Chase asks for answers'));
    expect([error.code, error.status]).toEqual([50007, 403]);
    expect(alice.dms()).toEqual([]);
    alice.setDmsClosed(false);
    await user.send('Chase asks for answers');
    expect(alice.dms().map((d) => d.content)).toEqual(['Chase asks for answers']);
  });

  it('429 with retry-after: discord.js waits it out and retries; the message is sent once', async () => {
    await start();
    const alice = bot.discord.addMember({ id: '4004', name: 'alice' });
    const limits: RateLimitData[] = [];
    bot.client.rest.on(RESTEvents.RateLimited, (info) => limits.push(info));
    const user = await bot.client.users.fetch('4004');
    const dm = await user.createDM();
    bot.discord.failNext('POST /channels/:channel/messages', { status: 429, retryAfter: 0.3 });
    await dm.send('after the limit');
    const calls = bot.discord.callsTo('POST /channels/:channel/messages');
    expect(calls.map((c) => [c.status, c.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(calls[1]!.wallMs - calls[0]!.wallMs).toBeGreaterThanOrEqual(300);
    expect(limits).toHaveLength(1);
    expect(limits[0]?.retryAfter).toBeGreaterThanOrEqual(300);
    expect(alice.dms().map((d) => d.content)).toEqual(['after the limit']);
  });

  it('injected errors come through with their code; a 500 is retried by discord.js', async () => {
    await start();
    bot.discord.addMember({ id: '5005', name: 'alice' });
    const user = await bot.client.users.fetch('5005');
    const dm = await user.createDM();
    bot.discord.failNext('POST /channels/:channel/messages', { status: 403, code: 50013, message: 'Missing Permissions' });
    expect((await apiError(dm.send('x'))).code).toBe(50013);
    bot.discord.failNext('POST /channels/:channel/messages', { status: 500 });
    await dm.send('y');
    expect(bot.discord.callsTo('POST /channels/:channel/messages').map((c) => c.status)).toEqual([403, 500, 200]);
    expect(() => bot.discord.failNext('POST /channel/:c/messages', { status: 500 })).toThrow(/unknown route/);
  });

  it('a wrong token does not log in', async () => {
    await start();
    const { Client, GatewayIntentBits } = await import('discord.js');
    const other = new Client({ rest: { api: bot.discord.apiBase }, intents: [GatewayIntentBits.Guilds] });
    await expect(other.login('not-the-token')).rejects.toThrow();
    await other.destroy();
  });
});
