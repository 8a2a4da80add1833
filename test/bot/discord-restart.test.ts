/** A restart while a challenge waits, and a sync that outlives its interaction token. */
import { afterEach, describe, expect, it } from 'vitest';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
afterEach(async () => world?.close());

describe('restarts', () => {
  it('SIGTERM-like stop: the waiting DM says the bot restarted and its buttons answer so after the restart', async () => {
    world = await startWorld();
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const answerId = dm.buttons[0]!.customId!;
    await world.restart('clean');
    const edited = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('restarted'));
    expect(edited.buttons).toHaveLength(0);
    const row = world.app.db.sqlite.prepare('select outcome from challenges').get();
    expect(row).toEqual({ outcome: 'expired' });
    // The old button (kept by a client that had the message open) answers from the row, in the new process.
    const late = await alice.forgeClick(answerId, { dm: true }).response();
    expect(late.message?.content).toMatch(/expired when the bot restarted/);
    expect(sync.reply?.content ?? '').not.toMatch(/synced/);
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);

    // The next /sync works.
    const again = alice.slash('sync', { options: { bank: 'simbank' } });
    await answer(alice, await waitForQuestions(alice, (d) => d.id !== dm.id), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await again.waitForReply((r) => /synced, \d+ new/.test(r.content));
  });

  it('after a crash the challenge left waiting is expired at start and its DM says so', async () => {
    world = await startWorld();
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    await world.restart('crash');
    const edited = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('restarted'));
    expect(edited.buttons).toHaveLength(0);
    const late = await alice.forgeClick(dm.buttons[0]!.customId!, { dm: true }).response();
    expect(late.message?.content).toMatch(/expired when the bot restarted/);
  });
});

describe('a dropped gateway connection', () => {
  it('resumes, and the waiting challenge still takes its answers', async () => {
    world = await startWorld();
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    await world.discord.dropGateway('reset');
    await world.discord.waitForResume();
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(1);
  });
});

describe('a sync outliving its interaction token', () => {
  it('reports by DM once the 15-minute reply can no longer be edited', async () => {
    let skew = 0;
    const clock = () => Date.now() + skew;
    world = await startWorld({ discordNow: clock, now: () => new Date(clock()), challengeTimeoutMs: 60 * 60_000 });
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    skew = 16 * 60_000; // the member answers 16 minutes later
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    const report = await alice.waitForDm((d) => d.id !== dm.id && /synced, \d+ new/.test(d.content));
    expect(report.content).toMatch(/could no longer be edited/);
    expect(sync.reply?.content ?? '').not.toMatch(/synced, \d+ new/);
  });
});
