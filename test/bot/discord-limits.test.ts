/**
 * Per-member limits through the real client: a member over the /sync or /bank add limit gets one ephemeral line
 * with a countdown, the bank sees nothing, no sync run is written, the log says it once; another member is
 * untouched, Try again counts as a sync, and the window passes on the bot's clock, not by waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
afterEach(async () => world?.close());

const clock = { offsetMs: 0 };
const now = () => new Date(Date.now() + clock.offsetMs);

function syncRuns(world: World): number {
  return (world.app.db.sqlite.prepare('select count(*) as n from sync_runs').get() as { n: number }).n;
}
function rateLimitedLines(world: World): Array<Record<string, unknown>> {
  return world.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'interaction.rate-limited');
}
const COUNTDOWN = /^You started 2 syncs in a minute, and banks block bursts; you can use `\/sync` again <t:(\d+):R>\.$/;

describe('per-member rate limits', () => {
  it('refuses the third /sync in a minute in one line, reaching no bank and writing no run; bob and a minute later are fine', async () => {
    clock.offsetMs = 0;
    world = await startWorld({ now, rateLimits: { sync: { limit: 2, windowMs: 60_000 } } });
    const alice = world.discord.addMember({ name: 'alice' });
    const bob = world.discord.addMember({ name: 'bob' });
    await addBank(world, alice, 'simbank');
    await addBank(world, bob, 'simbank');

    const first = alice.slash('sync', { options: { bank: 'simbank' } });
    await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await first.waitForReply((r) => /synced/.test(r.content));
    await alice.slash('sync').waitForReply((r) => /synced/.test(r.content));

    const runs = syncRuns(world);
    const bankRequests = (await world.bankLog()).length;
    const refused = await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply((r) => !r.loading);
    expect(refused.ephemeral).toBe(true);
    const match = COUNTDOWN.exec(refused.content);
    expect(match, refused.content).not.toBeNull();
    const retryAt = Number(match![1]) * 1000;
    expect(retryAt).toBeGreaterThan(now().getTime());
    expect(retryAt).toBeLessThanOrEqual(now().getTime() + 61_000);
    expect(syncRuns(world)).toBe(runs);
    expect((await world.bankLog()).length).toBe(bankRequests);
    const logged = rateLimitedLines(world);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ action: 'sync', user: alice.id, command: 'sync' });
    expect(world.logs.some((l) => l.includes('interaction.failed'))).toBe(false);

    // Alice's limit is hers: bob syncs (and is challenged) as usual.
    const bobSync = bob.slash('sync', { options: { bank: 'simbank' } });
    await answer(bob, await waitForQuestions(bob), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await bobSync.waitForReply((r) => /synced/.test(r.content));

    // Once her first sync is a minute old (on the bot's clock), she may sync again.
    clock.offsetMs = retryAt - Date.now() + 1;
    await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply((r) => /synced/.test(r.content));
    expect(rateLimitedLines(world)).toHaveLength(1);
  });

  it('Try again counts as a sync', async () => {
    clock.offsetMs = 0;
    world = await startWorld({ now, rateLimits: { sync: { limit: 1, windowMs: 60_000 } } });
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    await answer(alice, dm, { MFA16: 'Jones', SIMQ1: 'Fido' }, ['MFA16', 'SIMQ1']);
    const rejected = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('3001'));
    await sync.waitForReply((r) => r.content.includes('3001'));
    const runs = syncRuns(world);
    const bankRequests = (await world.bankLog()).length;
    const retry = await alice.click(rejected, rejected.buttons[0]!.customId!).waitForReply((r) => !r.loading);
    expect(retry.ephemeral).toBe(true);
    expect(retry.content).toMatch(/^You started 1 sync in a minute.*<t:\d+:R>\.$/);
    expect(syncRuns(world)).toBe(runs);
    expect((await world.bankLog()).length).toBe(bankRequests);
  });

  it('refuses /bank add over its limit before the profile request; bob adds his', async () => {
    clock.offsetMs = 0;
    world = await startWorld({ now, rateLimits: { bankAdd: { limit: 1, windowMs: 600_000 } } });
    const alice = world.discord.addMember({ name: 'alice' });
    const bob = world.discord.addMember({ name: 'bob' });
    // A refused name or URL reaches no bank, so it is not counted.
    const taken = await alice.slash('bank', { subcommand: 'add', options: { name: 'bad name!', url: world.bank.info().url } }).waitForReply((r) => !r.loading);
    expect(taken.content).not.toMatch(/<t:/);
    await addBank(world, alice, 'simbank');

    const bankRequests = (await world.bankLog()).length;
    const info = world.bank.info();
    const refused = await alice
      .slash('bank', { subcommand: 'add', options: { name: 'other', url: info.url, org: info.org, fid: info.fid } })
      .waitForReply((r) => !r.loading);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/^You checked 1 bank in 10 minutes, and banks block bursts; you can use `\/bank add` again <t:\d+:R>\.$/);
    expect(refused.buttons).toHaveLength(0);
    expect((await world.bankLog()).length).toBe(bankRequests);
    expect(rateLimitedLines(world)).toMatchObject([{ action: 'bankAdd', user: alice.id }]);

    await addBank(world, bob, 'simbank', 'bob');
  });
});
