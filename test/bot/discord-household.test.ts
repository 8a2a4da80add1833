/**
 * Two members of one household: neither can see, sync, answer or remove the other's connection (by command,
 * autocomplete, button or modal); the household channel gets short summaries, amounts only for those who opted in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

describe('two members', () => {
  it('cannot sync, answer or submit for the other', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const bob = world.discord.addMember({ name: 'bob' });
    await addBank(world, alice, 'alice-bank');
    await addBank(world, bob, 'bob-bank');

    const bobSync = await bob.slash('sync', { options: { bank: 'alice-bank' } }).waitForReply((r) => !r.loading);
    expect(bobSync.content).toMatch(/no (bank )?connection named "alice-bank"/i);
    expect(await bob.autocomplete('sync', { focused: 'bank', options: { bank: 'alice' } })).toEqual([]);
    expect(await bob.autocomplete('transactions', { focused: 'bank', options: { bank: '' } })).toEqual([{ name: 'bob-bank', value: 'bob-bank' }]);

    const sync = alice.slash('sync', { options: { bank: 'alice-bank' } });
    const dm = await waitForQuestions(alice);
    const answerId = dm.buttons.find((b) => b.label === 'Answer')!.customId!;
    const cancelId = dm.buttons.find((b) => b.label === 'Cancel')!.customId!;
    // Discord shows alice's DM to alice only; a modified client replaying her ids reaches the bot and is refused there.
    for (const id of [answerId, cancelId]) {
      const forged = bob.forgeClick(id, { dm: true });
      const first = await forged.response();
      expect(first.ephemeral).toBe(true);
      expect(first.message?.content).toMatch(/belongs to someone else/);
    }
    const forgedSubmit = bob.forgeModalSubmit(answerId.replace(/:a0$/, ':m0'), { q0: 'Smith', q1: 'Rex' }, { dm: true });
    expect((await forgedSubmit.response()).message?.content).toMatch(/belongs to someone else/);
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);

    // Alice's challenge is untouched by all that.
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(1);
  });

  it('the household channel gets short summaries; amounts only after /household amounts on', async () => {
    const admin = world.discord.addMember({ name: 'pat', manageGuild: true });
    const alice = world.discord.addMember({ name: 'alice' });
    const channel = world.discord.addChannel('household');

    const refused = await alice.slash('household', { subcommand: 'channel', options: { channel } }, { ignorePermissions: true }).waitForReply((r) => !r.loading);
    expect(refused.content).toMatch(/Manage Server/);
    const set = await admin.slash('household', { subcommand: 'channel', options: { channel } }).waitForReply((r) => !r.loading);
    expect(set.ephemeral).toBe(true);

    await addBank(world, alice, 'simbank');
    const first = alice.slash('sync', { options: { bank: 'simbank' } });
    await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await first.waitForReply((r) => /synced/.test(r.content));
    const summary = await world.discord.waitUntil(() => world.discord.channelMessages(channel).find((m) => m.content.includes('simbank')), 'a summary');
    expect(summary.content).toMatch(/^\*\*alice\*\* synced \*\*simbank\*\*: \d+ new transactions?\.$/);
    expect(summary.content).not.toMatch(/balance|\d+\.\d{2}/);

    await alice.slash('household', { subcommand: 'amounts', options: { share: 'on' } }).waitForReply((r) => !r.loading);
    await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply((r) => /synced/.test(r.content));
    const withAmounts = await world.discord.waitUntil(() => world.discord.channelMessages(channel).find((m) => /\d+\.\d{2}/.test(m.content)), 'a summary with amounts');
    expect(withAmounts.content).toMatch(/Checking …\d{4} -?\d+\.\d{2}/);
    // Nothing about questions ever goes there.
    for (const m of world.discord.channelMessages(channel)) expect(m.content).not.toMatch(/maiden|pet|Smith|Rex/);
  });
});
