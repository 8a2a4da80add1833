/**
 * The real discord.js client against sim/discord and sim/bank: /bank add through the modal, /sync challenged in a
 * DM and answered through the modal, the stored key, a revoked key, wrong answers, cancel, timeout, closed DMs and
 * more than five questions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer, addBank, DEMO_ANSWERS, logsHoldNone, startWorld, waitForQuestions, type World } from './discord-world.ts';

let world: World;
afterEach(async () => world?.close());

const MANY = { MFA1: 'Springfield', MFA5: 'Blue', MFA16: 'Smith', MFA20: 'Elm Street', MFA23: '1980', SIMQ1: 'Rex', SIMQ2: 'Café au lait' };
const SECRETS = ['demo-password', 'many-password', 'Smith', 'Rex', 'Springfield', 'Elm Street', 'Café au lait'];

describe('the bot over Discord', () => {
  beforeEach(async () => {
    world = await startWorld();
  });

  it('adds a bank, is challenged once in a DM, stores the key, then syncs without questions until the bank revokes it', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const added = await addBank(world, alice, 'simbank');
    expect(added.content).toMatch(/security (questions|challenges)/);
    expect(added.ephemeral).toBe(true);

    const first = alice.slash('sync', { options: { bank: 'simbank' } });
    const ack = await first.response();
    expect(ack.kind).toBe('deferReply');
    expect(ack.ephemeral).toBe(true);
    const dm = await waitForQuestions(alice);
    expect(dm.content).toContain('simbank');
    expect(dm.content).toContain('/sync');
    expect(dm.content).toContain("Mother's maiden name"); // MFA16's standard label: the bank sent none
    expect(dm.content).toContain('Name of your first pet?');
    expect(dm.content).not.toMatch(/MFA101|MFA107|User-Agent|Date and time/);
    expect(dm.buttons.map((b) => b.label)).toEqual(['Answer', 'Cancel']);
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    const done = await first.waitForReply((r) => /synced, \d+ new/.test(r.content));
    expect(done.content).toMatch(/answers accepted, access key saved/);
    expect(done.content).toMatch(/Checking …\d{4}: \d+ new · balance -?\d+\.\d{2}/);
    const settled = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('accepted'));
    expect(settled.buttons).toHaveLength(0);

    const second = alice.slash('sync', { options: { bank: 'simbank' } });
    const again = await second.waitForReply((r) => /synced/.test(r.content));
    expect(again.content).toMatch(/no questions asked/);
    // Edited as it moved (downloading, then the result), at most about once a second.
    const edits = world.discord.callsTo('PATCH /webhooks/:app/:token/messages/:message').filter((c) => c.path.includes(second.record.token)).map((c) => Date.parse(c.at));
    expect(edits.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < edits.length; i++) expect(edits[i]! - edits[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(alice.dms().filter((d) => d.buttons.some((b) => b.label === 'Answer'))).toHaveLength(0);

    await world.bankAdmin('/admin/revoke-keys', { user: 'demo' });
    const third = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm2 = await waitForQuestions(alice, (d) => d.id !== dm.id);
    await answer(alice, dm2, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    expect((await third.waitForReply((r) => /synced/.test(r.content))).content).toMatch(/answers accepted/);

    // /accounts: balances, key age, last sync; /transactions: an embed, and the CSV when it does not fit.
    const accounts = await alice.slash('accounts').response();
    expect(accounts.ephemeral).toBe(true);
    const embed = JSON.stringify(accounts.message?.embeds);
    expect(embed).toMatch(/simbank/);
    expect(embed).toMatch(/key today/);
    expect(embed).toMatch(/Checking …\d{4}: -?\d+\.\d{2}/);
    const tx = await alice.slash('transactions', { options: { bank: 'simbank', days: 90 } }).response();
    expect(tx.ephemeral).toBe(true);
    expect(tx.message?.attachments.map((a) => a.filename)).toEqual(['simbank-transactions.csv']);
    expect(JSON.stringify(tx.message?.embeds)).toMatch(/transactions in 90 days/);

    expect(logsHoldNone(world, SECRETS)).toBe(true);
    // Nor does anything the bot sent to Discord echo an answer or the password.
    const sent = JSON.stringify(world.discord.restCalls.map((c) => c.body));
    for (const secret of ['demo-password', 'Smith', 'Rex']) expect(sent).not.toContain(secret);
  });

  it('wrong answers reach the bank exactly once, the DM says 3001 and Try again starts a fresh sync', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    await fetch(`http://127.0.0.1:${world.bank.port}/admin/log`, { method: 'DELETE' });
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    await answer(alice, dm, { MFA16: 'Jones', SIMQ1: 'Fido' }, ['MFA16', 'SIMQ1']);
    const rejected = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('3001'));
    expect(rejected.buttons.map((b) => b.label)).toEqual(['Try again']);
    await sync.waitForReply((r) => r.content.includes('3001'));
    const log = await world.bankLog();
    expect(log.filter((e) => e.answersSent > 0)).toHaveLength(1);

    // A second submit of the old modal cannot happen (it closed); clicking Answer on the settled DM is impossible too.
    const retry = alice.click(rejected, rejected.buttons[0]!.customId!);
    const dm2 = await waitForQuestions(alice, (d) => d.id !== dm.id);
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(1);
    await answer(alice, dm2, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await retry.waitForReply((r) => /synced/.test(r.content));
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(2);
    expect(logsHoldNone(world, ['Jones', 'Fido', ...SECRETS])).toBe(true);
  });

  it('an answer the bank cannot receive is one line, nothing is sent, and the Answer button still works', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const modal = await alice.click(dm, dm.buttons[0]!.customId!).modal();
    const bad = alice.submitModal(modal, { [modal.fields[0]!.customId]: 'Smith', [modal.fields[1]!.customId]: 'Rex 🐶' });
    const line = await bad.waitForReply((r) => !r.loading);
    expect(line.ephemeral).toBe(true);
    expect(line.content.split('\n')).toHaveLength(1);
    expect(line.content).toMatch(/Windows-1252/);
    expect(line.content).not.toMatch(/Rex|Smith|🐶/);
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
  });

  it('Cancel ends the sync and nothing is sent to the bank', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    const cancel = dm.buttons.find((b) => b.label === 'Cancel')!;
    await alice.click(dm, cancel.customId!).response();
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('cancelled'));
    await sync.waitForReply((r) => /cancel/i.test(r.content));
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);
  });

  it('with DMs closed the /sync reply carries the Answer button', async () => {
    const carol = world.discord.addMember({ name: 'carol', dmsClosed: true });
    await addBank(world, carol, 'simbank');
    const sync = carol.slash('sync', { options: { bank: 'simbank' } });
    const reply = await sync.waitForReply((r) => r.buttons.some((b) => b.label === 'Answer'));
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('Name of your first pet?');
    await answer(carol, reply, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
  });

  it('more than five questions: two modals, the second behind a Next questions button', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'lots', 'many');
    const sync = alice.slash('sync', { options: { bank: 'lots' } });
    const dm = await waitForQuestions(alice);
    for (const label of ['City of birth', 'Favorite color', 'Street you grew up on', 'Your favourite café drink?']) expect(dm.content).toContain(label);
    const answerButton = dm.buttons.find((b) => b.label?.startsWith('Answer'))!;
    const modal1 = await alice.click(dm, answerButton.customId!).modal();
    expect(modal1.fields).toHaveLength(5);
    for (const f of modal1.fields) expect(f.maxLength).toBe(64);
    // A dismissed modal sends nothing: the button still opens it.
    const again = await alice.click(dm, answerButton.customId!).modal();
    expect(again.fields).toHaveLength(5);
    alice.submitModal(again, Object.fromEntries(again.fields.map((f, i) => [f.customId, MANY[(['MFA1', 'MFA5', 'MFA16', 'MFA20', 'MFA23'] as const)[i]!]])));
    const next = await alice.waitForDm((d) => d.id === dm.id && d.buttons.some((b) => b.label?.startsWith('Next')));
    await answer(alice, next, MANY, ['SIMQ1', 'SIMQ2']);
    await sync.waitForReply((r) => /synced, \d+ new/.test(r.content));
    expect(logsHoldNone(world, SECRETS)).toBe(true);
  });
});

describe('a challenge nobody answers', () => {
  it('expires after the timeout and the DM says so', async () => {
    world = await startWorld({ challengeTimeoutMs: 1500 });
    const alice = world.discord.addMember({ name: 'alice' });
    await addBank(world, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    await alice.waitForDm((d) => d.id === dm.id && d.content.includes('expired'));
    await sync.waitForReply((r) => !r.loading && /expired|in time|timed out/i.test(r.content));
    // The old Answer button is gone from the DM, and the row says expired to anyone who had kept its id.
    expect((await world.bankLog()).filter((e) => e.answersSent > 0)).toHaveLength(0);
  });
});
