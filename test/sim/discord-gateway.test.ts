/**
 * The gateway side of sim/discord with the real discord.js client: a dropped connection is resumed (op 6 →
 * replay → RESUMED) on the resume URL, and what happened meanwhile (an interaction, a DM) still reaches the bot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import type { Message } from 'discord.js';
import { startDiscordSim } from '../../sim/discord/index.ts';
import { startTestBot } from './discord-client.ts';
import type { TestBot } from './discord-client.ts';

describe('sim/discord gateway', () => {
  let bot: TestBot;
  afterEach(async () => {
    await bot?.close();
  });

  describe.each(['close', 'reset'] as const)('a dropped connection (%s)', (how) => {
    it('is resumed, not re-identified; an interaction sent while down is replayed and answered', async () => {
      // The clock stands still: this test is about delivery, not about the reconnect beating the 3 s deadline.
      const frozen = Date.now();
      bot = await startTestBot({ now: () => frozen });
      await bot.client.application.commands.set([{ name: 'sync', description: 'Sync' }]);
      const alice = bot.discord.addMember({ name: 'alice' });
      bot.onInteraction(async (i) => {
        if (i.isChatInputCommand()) await i.reply({ content: 'synced', flags: MessageFlags.Ephemeral });
      });
      const resumed = new Promise<void>((resolve) => bot.client.once(Events.ShardResume, () => resolve()));
      await bot.discord.dropGateway(how);
      expect(bot.discord.gateway.connected).toBe(false);
      const handle = alice.slash('sync'); // while the bot is disconnected
      await resumed;
      expect((await handle.response()).message?.content).toBe('synced');
      expect(bot.discord.gateway).toMatchObject({ identifies: 1, resumes: 1, connected: true });
      expect(bot.discord.gateway.replayed).toBeGreaterThanOrEqual(1);
      expect(bot.discord.gateway.connections).toBe(2);
    });
  });

  it('a DM written while the bot was away arrives after the resume', async () => {
    bot = await startTestBot();
    const alice = bot.discord.addMember({ name: 'alice' });
    const heard = new Promise<Message>((resolve) => bot.onMessage((m) => resolve(m)));
    await bot.discord.dropGateway();
    alice.sendDm('are you there?');
    await bot.discord.waitForResume();
    expect((await heard).content).toBe('are you there?');
  });

  it('survives several drops in a row, each resumed', async () => {
    const frozen = Date.now();
    bot = await startTestBot({ now: () => frozen });
    await bot.client.application.commands.set([{ name: 'sync', description: 'Sync' }]);
    const alice = bot.discord.addMember({ name: 'alice' });
    let answered = 0;
    bot.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply(`answer ${++answered}`);
    });
    for (let round = 1; round <= 3; round += 1) {
      await bot.discord.dropGateway(round % 2 ? 'close' : 'reset');
      await bot.discord.waitForResume({ count: round });
      expect((await alice.slash('sync').response()).message?.content).toBe(`answer ${round}`);
    }
    expect(bot.discord.gateway.identifies).toBe(1);
  });

  it('refuses privileged intents the portal has not enabled (close 4014)', async () => {
    const discord = await startDiscordSim();
    const client = new Client({ rest: { api: discord.apiBase }, intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent] });
    const disconnected = new Promise<number>((resolve) => client.once(Events.ShardDisconnect, (event) => resolve(event.code)));
    void client.login(discord.token).catch(() => {});
    expect(await disconnected).toBe(4014);
    expect(discord.gateway.identifies).toBe(0);
    await client.destroy();
    await discord.close();
  });
});
