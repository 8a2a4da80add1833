/**
 * Discord refusing or dropping the bot at the points a real bot meets it (issue 10 "Faults"): 10062 (the 3 s
 * window missed), 40060 (already acknowledged), 50007 (cannot DM this member), 429 with Retry-After on the routes
 * a sync uses (the DM, the interaction callback, the edit of the /sync reply), and a gateway connection closed or
 * reset. Each time the bot keeps running, logs one line, and the sync's result is not lost: the member learns it
 * from the /sync reply or a DM, and the run is recorded in sync_runs.
 *
 * A /sync whose first response Discord refuses (10062, 40060) is not started: the member was shown "This
 * interaction failed" and runs /sync again; a sync started anyway would ask questions nobody expects, by DM, and
 * the retry would find it running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InteractionHandle, ModalView, RestCall, SimMember } from '../../sim/discord/index.ts';
import { addBank, answer, DEMO_ANSWERS, logsHoldNone, startWorld, waitForQuestions, type LogEntry, type World, type WorldOptions } from './discord-world.ts';

let world: World;
afterEach(async () => {
  // Whatever went wrong, no log line carries the password or an answer.
  const clean = logsHoldNone(world, ['demo-password', ...Object.values(DEMO_ANSWERS)]);
  await world?.close();
  expect(clean).toBe(true);
});

const QUESTION_IDS = ['MFA16', 'SIMQ1'];
const SYNCED = /synced, \d+ new/;

/** Discord's clock, which the tests move past the 3 s window; the bot keeps the wall clock. */
let skew = 0;
const discordNow = () => Date.now() + skew;

async function setUp(options: WorldOptions = {}) {
  skew = 0;
  world = await startWorld(options);
  const alice = world.discord.addMember({ name: 'alice' });
  await addBank(world, alice, 'simbank');
  return alice;
}

const runStates = () => (world.app.db.sqlite.prepare('select state from sync_runs order by id').all() as Array<{ state: string }>).map((r) => r.state);
const answersSent = async () => (await world.bankLog()).filter((e) => e.answersSent > 0).length;
/** Log lines of these events, as warnings and errors only the faults should cause. */
const troubles = () => world.logs.map((l) => JSON.parse(l) as LogEntry).filter((e) => e.level >= 40);

/** A /sync answered in the DM, to its end; resolves with the /sync interaction. */
async function challengedSync(alice: SimMember): Promise<InteractionHandle> {
  const sync = alice.slash('sync', { options: { bank: 'simbank' } });
  await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, QUESTION_IDS);
  await sync.waitForReply((r) => SYNCED.test(r.content));
  return sync;
}

/** The right answers for an answers form, by its fields. */
const filled = (modal: ModalView) => Object.fromEntries(modal.fields.map((f, i) => [f.customId, DEMO_ANSWERS[QUESTION_IDS[i] as keyof typeof DEMO_ANSWERS]]));

/** An injected refusal is answered before the stand-in's routes see the call, so it is found among the calls. */
const injectedRefusal = (interactionId: string) =>
  world.discord.waitUntil(() => world.discord.restCalls.find((c) => c.injected && c.path.includes(interactionId)), `the injected refusal on ${interactionId}`);

function retriedAfter(calls: RestCall[], retryAfterMs: number): void {
  const refused = calls.findIndex((c) => c.status === 429 && c.injected);
  expect(refused).toBeGreaterThanOrEqual(0);
  const retry = calls[refused + 1];
  expect(retry?.status).toBeLessThan(300);
  // discord.js waited out the Retry-After before sending again.
  expect(retry!.wallMs - calls[refused]!.wallMs).toBeGreaterThanOrEqual(retryAfterMs);
}

describe('10062 Unknown interaction: the bot answered after the 3 s window', () => {
  it('on /sync: nothing is started, one line is logged, and the next /sync works', async () => {
    const alice = await setUp({ discordNow });
    const late = alice.slash('sync', { options: { bank: 'simbank' } });
    skew += 4000; // the defer arrives 4 s after the command
    expect((await late.waitForRefusal(10062)).route).toContain('/callback');
    const line = await world.waitForLog('interaction.failed', (e) => e.interactionId === late.id);
    expect(line.code).toBe(10062);
    expect(troubles()).toEqual([line]);
    // Not tried again on the dead interaction, and no sync started behind it.
    expect(late.refusals).toHaveLength(1);
    expect(runStates()).toEqual([]);
    expect(alice.dms()).toHaveLength(0);

    await challengedSync(alice);
    expect(runStates()).toEqual(['ok']);
  });

  it('on the answers form: the answers still reach the bank once and the reply and the DM tell the outcome', async () => {
    const alice = await setUp({ discordNow });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const submit = await answer(alice, dm, DEMO_ANSWERS, QUESTION_IDS);
    skew += 4000; // the form's acknowledgement comes too late
    await submit.waitForRefusal(10062);
    await sync.waitForReply((r) => SYNCED.test(r.content));
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('accepted'));
    expect(await answersSent()).toBe(1);
    expect(runStates()).toEqual(['ok']);
    const line = await world.waitForLog('interaction.failed', (e) => e.interactionId === submit.id);
    expect(line.code).toBe(10062);
    expect(troubles()).toEqual([line]);
  });

  it('on the Answer button: the challenge still waits and the next click opens the form', async () => {
    const alice = await setUp({ discordNow });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const click = alice.click(dm, dm.buttons[0]!.customId!);
    skew += 4000;
    await click.waitForRefusal(10062);
    const line = await world.waitForLog('interaction.failed', (e) => e.interactionId === click.id);
    expect(line.code).toBe(10062);
    await answer(alice, dm, DEMO_ANSWERS, QUESTION_IDS);
    await sync.waitForReply((r) => SYNCED.test(r.content));
    expect(troubles()).toEqual([line]);
  });

  it('on Cancel: the sync ends cancelled all the same, and the DM loses its buttons', async () => {
    const alice = await setUp({ discordNow });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const click = alice.click(dm, dm.buttons.find((b) => b.label === 'Cancel')!.customId!);
    skew += 4000;
    await click.waitForRefusal(10062);
    await sync.waitForReply((r) => /cancel/i.test(r.content));
    const settled = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('cancelled'));
    expect(settled.buttons).toHaveLength(0);
    expect(runStates()).toEqual(['challenge-cancelled']);
    expect(await answersSent()).toBe(0);
    expect(troubles()).toEqual([await world.waitForLog('interaction.failed', (e) => e.interactionId === click.id)]);
  });
});

describe('40060 already acknowledged', () => {
  it('on /sync: one line, no second answer, nothing started', async () => {
    const alice = await setUp({ discordNow });
    world.discord.failNext('POST /interactions/:interaction/:token/callback', { status: 400, code: 40060 });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    await injectedRefusal(sync.id);
    const line = await world.waitForLog('interaction.failed', (e) => e.interactionId === sync.id);
    expect(line.code).toBe(40060);
    expect(troubles()).toEqual([line]);
    // Whoever acknowledged it answers it: this bot sent nothing more on the interaction.
    expect(world.discord.restCalls.filter((c) => c.path.includes(sync.record.token))).toHaveLength(1);
    expect(runStates()).toEqual([]);
  });

  it('on the answers form: the sync still gets the answers and reports', async () => {
    const alice = await setUp();
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const modal = await alice.click(dm, dm.buttons[0]!.customId!).modal();
    world.discord.failNext('POST /interactions/:interaction/:token/callback', { status: 400, code: 40060 });
    const submit = alice.submitModal(modal, filled(modal));
    await injectedRefusal(submit.id);
    await sync.waitForReply((r) => SYNCED.test(r.content));
    // No "something went wrong" on the form's interaction: its answers did go to the bank.
    expect(world.discord.restCalls.filter((c) => c.path.includes(submit.record.token))).toHaveLength(1);
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('accepted'));
    expect(await answersSent()).toBe(1);
    expect(runStates()).toEqual(['ok']);
    const line = await world.waitForLog('interaction.failed', (e) => e.interactionId === submit.id);
    expect(troubles()).toEqual([line]);
  });
});

describe('50007 cannot send messages to this user', () => {
  it('on the questions DM: they go on the /sync reply instead, and the sync completes', async () => {
    const alice = await setUp();
    world.discord.failNext('POST /channels/:channel/messages', { status: 403, code: 50007 });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const reply = await sync.waitForReply((r) => r.buttons.some((b) => b.label === 'Answer'));
    expect(reply.ephemeral).toBe(true);
    await answer(alice, reply, DEMO_ANSWERS, QUESTION_IDS);
    await sync.waitForReply((r) => SYNCED.test(r.content));
    expect(runStates()).toEqual(['ok']);
    expect(world.logged('relay.dm-closed')).toMatchObject([{ fallback: true }]);
    expect(troubles()).toEqual([]);
  });

  it('on the report DM after the reply token ran out: the run is recorded and the questions DM tells the outcome', async () => {
    const clock = () => Date.now() + skew;
    const alice = await setUp({ discordNow: clock, now: () => new Date(clock()), challengeTimeoutMs: 60 * 60_000 });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    skew = 16 * 60_000; // answered 16 minutes later: the reply can no longer be edited
    world.discord.failNext('POST /channels/:channel/messages', { status: 403, code: 50007 });
    await answer(alice, dm, DEMO_ANSWERS, QUESTION_IDS);
    const line = await world.waitForLog('sync.dm-failed');
    expect(line.err).toMatchObject({ code: 50007 });
    const settled = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('accepted'));
    expect(settled.content).toMatch(/\d+ new transactions?/);
    expect(runStates()).toEqual(['ok']);
    expect(sync.reply?.content ?? '').not.toMatch(SYNCED);
    expect(troubles()).toEqual([line]);
  });
});

describe('429 Too Many Requests with Retry-After', () => {
  it('on the questions DM: it arrives after the wait, one line says so', async () => {
    const alice = await setUp();
    world.discord.failNext('POST /channels/:channel/messages', { status: 429, retryAfter: 0.2 });
    await challengedSync(alice);
    retriedAfter(world.discord.callsTo('POST /channels/:channel/messages'), 200);
    expect(troubles()).toMatchObject([{ event: 'discord.rate-limited', method: 'POST', route: '/channels/:id/messages', retryAfterMs: 200 }]);
  });

  it('on the /sync acknowledgement: it is deferred after the wait, inside the 3 s window', async () => {
    const alice = await setUp();
    world.discord.failNext('POST /interactions/:interaction/:token/callback', { status: 429, retryAfter: 0.2 });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    expect((await sync.response()).kind).toBe('deferReply');
    await answer(alice, await waitForQuestions(alice), DEMO_ANSWERS, QUESTION_IDS);
    await sync.waitForReply((r) => SYNCED.test(r.content));
    retriedAfter(world.discord.callsTo('POST /interactions/:interaction/:token/callback').filter((c) => c.path.includes(sync.id)), 200);
    const lines = troubles();
    expect(lines).toMatchObject([{ event: 'discord.rate-limited', route: '/interactions/:id/:token/callback' }]);
    expect(JSON.stringify(lines)).not.toContain(sync.record.token);
  });

  it('on the edit of the /sync reply: the edit lands after the wait and the reply ends with the result', async () => {
    const alice = await setUp();
    world.discord.failNext('PATCH /webhooks/:app/:token/messages/:message', { status: 429, retryAfter: 0.2 });
    const sync = await challengedSync(alice);
    retriedAfter(world.discord.callsTo('PATCH /webhooks/:app/:token/messages/:message').filter((c) => c.path.includes(sync.record.token)), 200);
    const lines = troubles();
    expect(lines).toMatchObject([{ event: 'discord.rate-limited', method: 'PATCH', route: '/webhooks/:id/:token/messages/%40original' }]);
    expect(JSON.stringify(lines)).not.toContain(sync.record.token);
  });
});

describe('the gateway connection drops while a challenge waits', () => {
  it.each(['close', 'reset'] as const)('%s: a click made meanwhile is replayed on resume, the sync completes, one line', async (how) => {
    const alice = await setUp();
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const resumed = world.discord.waitForResume();
    await world.discord.dropGateway(how);
    // Clicked while the bot is away: Discord keeps the event and replays it when the bot resumes.
    const click = alice.click(dm, dm.buttons[0]!.customId!);
    await resumed;
    const modal = await click.modal();
    alice.submitModal(modal, filled(modal));
    await sync.waitForReply((r) => SYNCED.test(r.content));
    expect(runStates()).toEqual(['ok']);
    expect(world.discord.gateway.replayed).toBeGreaterThanOrEqual(1);
    expect(await world.waitForLog('gateway.resumed')).toMatchObject({ replayed: expect.any(Number) });
    expect(world.logged('gateway.resumed')).toHaveLength(1);
    expect(troubles()).toEqual([]);
  });
});
