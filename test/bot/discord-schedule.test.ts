/** Scheduled syncs in the bot process: a due run that needs answers DMs the owner naming the schedule; DMs off. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSchedule } from '../../db/index.ts';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

function makeDue(world: World): void {
  world.app.db.sqlite.prepare("update schedules set next_run_at = '2020-01-01T00:00:00.000Z'").run();
}

describe('scheduled syncs', () => {
  it('a due run that needs answers DMs the owner naming the schedule, and runs once however many slots were missed', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const set = await alice.slash('schedule', { options: { bank: 'simbank', every: '6h' } }).waitForReply((r) => !r.loading);
    expect(set.content).toMatch(/every 6h; next run/);
    makeDue(world);
    const tick = world.bot.scheduler.tick();
    const dm = await waitForQuestions(alice);
    expect(dm.content).toMatch(/scheduled sync \(every 6h\)/);
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await tick;
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('accepted'));
    const row = getSchedule(world.app.db, 1)!;
    expect(row.lastOutcome).toBe('ok');
    expect(new Date(row.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    // A second tick right away finds nothing due: the missed slots ran once, not once each.
    const before = (await world.bankLog()).length;
    await world.bot.scheduler.tick();
    expect((await world.bankLog()).length).toBe(before);
  });

  it('with schedule DMs off the run stops as answers-needed, and the next /sync says so', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    await alice.slash('schedule', { options: { bank: 'simbank', every: 'daily', dms: 'off' } }).waitForReply((r) => !r.loading);
    makeDue(world);
    await world.bot.scheduler.tick();
    expect(alice.dms()).toHaveLength(0);
    expect(getSchedule(world.app.db, 1)!.lastOutcome).toBe('answers-needed');
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);

    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    await sync.waitForReply((r) => /scheduled sync of \*\*simbank\*\*.*schedule DMs are off/.test(r.content));
    await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    const done = await sync.waitForReply((r) => /synced/.test(r.content));
    expect(done.content).toMatch(/schedule DMs are off/);
    // Said once: the next /sync does not repeat it.
    const next = await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply((r) => /synced/.test(r.content));
    expect(next.content).not.toMatch(/schedule DMs are off/);
  });

  it('/schedule every:off removes the schedule; /schedule alone lists', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    await alice.slash('schedule', { options: { bank: 'simbank', every: '12h' } }).waitForReply((r) => !r.loading);
    expect((await alice.slash('schedule').waitForReply((r) => !r.loading)).content).toMatch(/\*\*simbank\*\*: every 12h/);
    await alice.slash('schedule', { options: { bank: 'simbank', every: 'off' } }).waitForReply((r) => !r.loading);
    expect(getSchedule(world.app.db, 1)).toBeNull();
  });
});
