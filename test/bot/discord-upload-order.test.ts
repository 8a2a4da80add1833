/**
 * File uploads whatever loaded first: with core/http's undici 7 loaded before discord.js (here, by this file's
 * first import), undici 7's Agent is the process-wide dispatcher that discord.js's own undici 6 sends through.
 * A FormData body used to fail there ("action is not a function"): the /transactions CSV never arrived while every
 * JSON call worked. bot/discord/bot.ts sends multipart bodies as bytes.
 */
import { Agent } from 'undici';
import '../../core/http/transport.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
afterEach(async () => world?.close());

describe('the /transactions CSV with undici 7 as the process-wide dispatcher', () => {
  it('is uploaded', async () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')]).toBeInstanceOf(Agent);
    world = await startWorld();
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
    const tx = await alice.slash('transactions', { options: { bank: 'simbank', days: 90 } }).response();
    expect(tx.message?.attachments.map((a) => a.filename)).toEqual(['simbank-transactions.csv']);
    expect(tx.message?.attachments[0]?.text.split('\n')[0]).toMatch(/^accountId,fitid,posted,amount/);
  });
});
