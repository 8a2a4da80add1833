/**
 * A failing schedule is told once: the first failing run DMs the owner (which connection, since when, why, what to
 * do), the next runs failing the same way stay silent, a success ends the streak. A refused password holds the
 * connection, and the held schedule's runs never sign on. With DMs closed, the next /sync says it instead.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSchedule } from '../../db/index.ts';
import { addBank, answer, DEMO_ANSWERS, logsHoldNone, startWorld, waitForQuestions, type World } from './discord-world.ts';
import type { SimMember } from '../../sim/discord/index.ts';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

async function runDue(world: World): Promise<void> {
  world.app.db.sqlite.prepare("update schedules set next_run_at = '2020-01-01T00:00:00.000Z'").run();
  await world.bot.scheduler.tick();
}

/** The /sync reply once its connection's line is final (lines in progress end in an ellipsis). */
const settled = (r: { content: string }) => /\*\*simbank\*\*: .*15500/.test(r.content) && !r.content.endsWith('…');
const failureDms = (member: SimMember) => member.dms().filter((d) => d.content.includes('Your scheduled sync of'));

async function scheduleWithKey(world: World, member: SimMember): Promise<void> {
  await addBank(world, member, 'simbank');
  const sync = member.slash('sync', { options: { bank: 'simbank' } });
  await answer(member, await waitForQuestions(member), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
  await sync.waitForReply((r) => /synced/.test(r.content));
  await member.slash('schedule', { options: { bank: 'simbank', every: '6h' } }).waitForReply((r) => !r.loading);
}

describe('failing scheduled syncs', () => {
  it('a bank that keeps failing is told in one DM over three runs; a success ends the streak and the next failure is told again', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await scheduleWithKey(world, alice);
    await world.bankAdmin('/admin/faults', { fault: 'http-500', count: 1000 });

    await runDue(world);
    const dms = failureDms(alice);
    expect(dms).toHaveLength(1);
    const since = getSchedule(world.app.db, 1)!.failingSince!;
    expect(dms[0]!.content).toContain('**simbank** (every 6h) has failed since ' + `<t:${Math.floor(Date.parse(since) / 1000)}:f>`);
    expect(dms[0]!.content).toMatch(/500/);
    expect(dms[0]!.content).toMatch(/run `\/sync` to try now/);
    expect(dms[0]!.content.split('\n')).toHaveLength(1);

    await runDue(world);
    await runDue(world);
    expect(failureDms(alice)).toHaveLength(1);
    const failing = getSchedule(world.app.db, 1)!;
    expect(failing).toMatchObject({ failures: 3, failureKind: 'error', failingSince: since });
    // It kept asking the bank (errors are not a hold): three runs, each reached it.
    expect((await world.bankLog()).filter((e) => e.fault === 'http-500').length).toBeGreaterThanOrEqual(3);

    await fetch(`http://127.0.0.1:${world.bank.port}/admin/faults`, { method: 'DELETE' });
    await runDue(world);
    expect(getSchedule(world.app.db, 1)).toMatchObject({ lastOutcome: 'ok', failures: 0, failureKind: null, failingSince: null, notifiedAt: null });

    await world.bankAdmin('/admin/faults', { fault: 'http-500', count: 1000 });
    await runDue(world);
    await runDue(world);
    expect(failureDms(alice)).toHaveLength(2);
  });

  it('a refused password holds the connection: one DM saying so, and the held runs never sign on', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank', 'demo', 'not-the-password');
    await alice.slash('schedule', { options: { bank: 'simbank', every: 'daily' } }).waitForReply((r) => !r.loading);

    await runDue(world);
    const signOns = (await world.bankLog()).filter((e) => e.user === 'demo');
    expect(signOns.map((e) => e.signonCode)).toContain(15500);
    const dms = failureDms(alice);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toMatch(/refused the sign-on credentials \(15500\)/);
    expect(dms[0]!.content).toMatch(/will not sign on again until you act/);
    expect(dms[0]!.content).not.toContain('not-the-password');

    await runDue(world);
    await runDue(world);
    expect(getSchedule(world.app.db, 1)).toMatchObject({ lastOutcome: 'held', failures: 3, failureKind: 'hold:15500' });
    // Held: the two later runs sent nothing at all to the bank, and said nothing more.
    expect((await world.bankLog()).filter((e) => e.user === 'demo')).toHaveLength(signOns.length);
    expect(failureDms(alice)).toHaveLength(1);
    const runs = world.app.db.sqlite.prepare('select count(*) as n from sync_runs').get() as { n: number };
    expect(runs.n).toBe(1);
    expect(logsHoldNone(world, ['not-the-password'])).toBe(true);
  });

  it('wrong answers to a scheduled sync are told by its own question DM; the held runs after it neither ask nor DM', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    await alice.slash('schedule', { options: { bank: 'simbank', every: '6h' } }).waitForReply((r) => !r.loading);
    world.app.db.sqlite.prepare("update schedules set next_run_at = '2020-01-01T00:00:00.000Z'").run();
    const tick = world.bot.scheduler.tick();
    const dm = await waitForQuestions(alice);
    await answer(alice, dm, { MFA16: 'Jones', SIMQ1: 'Fido' }, ['MFA16', 'SIMQ1']);
    await tick;
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('3001'));
    const requests = (await world.bankLog()).length;

    await runDue(world);
    await runDue(world);
    expect(getSchedule(world.app.db, 1)).toMatchObject({ lastOutcome: 'held', failures: 3, failureKind: 'hold:3001' });
    expect((await world.bankLog()).length).toBe(requests);
    expect(alice.dms()).toHaveLength(1);
  });

  it('with DMs closed the failure waits for the next /sync, which says it once', async () => {
    const alice = world.discord.addMember({ name: 'alice', dmsClosed: true });
    await addBank(world, alice, 'simbank', 'demo', 'not-the-password');
    await alice.slash('schedule', { options: { bank: 'simbank', every: '12h' } }).waitForReply((r) => !r.loading);
    await runDue(world);
    await runDue(world);
    expect(alice.dms()).toHaveLength(0);
    expect(getSchedule(world.app.db, 1)!.notifiedAt).toBeNull();

    const sync = await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply(settled);
    expect(sync.content).toMatch(/Your scheduled sync of \*\*simbank\*\* \(every 12h\) has failed since <t:\d+:f>: the bank refused the sign-on credentials \(15500\)/);
    const next = await alice.slash('sync', { options: { bank: 'simbank' } }).waitForReply(settled);
    expect(next.content).not.toMatch(/Your scheduled sync/);
  });
});
