/** A restart while a challenge waits, and a sync that outlives its interaction token. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { listAllConnections, newRelayId, recordChallenge, startSyncRun } from '../../db/index.ts';
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
    await world.restart();
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

  it('leaves alone a challenge another live process waits on (ofx-mfa sync at a terminal), and expires it once that process is gone', async () => {
    // A crash of the bot itself is discord-sigkill.test.ts (a real process, killed). Here the bot starts while
    // a CLI sync in another process waits at its terminal: that person can still answer, so the bot must not
    // expire the challenge; once that process is dead, nobody can, and the bot's next start does.
    world = await startWorld();
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const [connection] = listAllConnections(world.app.db);
    const cli = spawn('sleep', ['60']);
    await once(cli, 'spawn');
    const runId = startSyncRun(world.app.db, connection!.id, 'cli', { pid: cli.pid, instance: 'the-cli-process' });
    const id = recordChallenge(world.app.db, runId, [{ id: 'MFA16', label: 'Pet' }], { relayId: newRelayId(), memberId: connection!.memberId, expiresAt: new Date(Date.now() + 60_000) });
    const outcome = () => (world.app.db.sqlite.prepare('select outcome from challenges where id = ?').get(id) as { outcome: string | null }).outcome;

    await world.restart();
    expect(outcome()).toBeNull();

    cli.kill('SIGKILL');
    await once(cli, 'exit');
    await world.restart();
    expect(outcome()).toBe('expired');
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
