/**
 * The bot's response times (`npm run bench -- discord`): the real discord.js client against sim/discord and
 * sim/bank on loopback. Discord allows 3 s for a first response; the figures show how far under it the bot stays
 * for /sync (a defer), autocomplete and the Answer button (a modal), and how long a whole challenged sync and a
 * quiet one take, plus how many edits the /sync reply received per second at most (the bot keeps to ~1/s).
 */
import { performance } from 'node:perf_hooks';
import { addBank, answer, DEMO_ANSWERS, startWorld, waitForQuestions } from '../test/bot/discord-world.ts';

const ROUNDS = 5;
// Ten syncs by one member: over the per-member limit, which is not what this measures.
const world = await startWorld({ rateLimits: { sync: { limit: Infinity, windowMs: 60_000 } } });
try {
  const alice = world.discord.addMember({ name: 'alice' });
  await addBank(world, alice, 'simbank');
  const defer: number[] = [];
  const modal: number[] = [];
  const challenged: number[] = [];
  const quiet: number[] = [];
  const auto: number[] = [];
  let maxEditsPerSecond = 0;
  for (let i = 0; i < ROUNDS; i++) {
    await world.bankAdmin('/admin/revoke-keys', { user: 'demo' });
    const start = performance.now();
    const seen = new Set(alice.dms().map((d) => d.id));
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    defer.push((await sync.response()).latencyMs);
    const dm = await waitForQuestions(alice, (d) => !seen.has(d.id));
    const click = alice.click(dm, dm.buttons[0]!.customId!);
    modal.push((await click.response()).latencyMs);
    await answer(alice, dm, DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await sync.waitForReply((r) => /synced/.test(r.content), { timeoutMs: 30_000 });
    challenged.push(performance.now() - start);

    const t1 = performance.now();
    const second = alice.slash('sync', { options: { bank: 'simbank' } });
    await second.waitForReply((r) => /synced/.test(r.content), { timeoutMs: 30_000 });
    quiet.push(performance.now() - t1);
    const edits = world.discord.callsTo('PATCH /webhooks/:app/:token/messages/:message').filter((c) => c.path.includes(second.record.token)).map((c) => Date.parse(c.at));
    for (const at of edits) maxEditsPerSecond = Math.max(maxEditsPerSecond, edits.filter((x) => x >= at && x < at + 1000).length);

    const t2 = performance.now();
    await alice.autocomplete('sync', { focused: 'bank', options: { bank: 'sim' } });
    auto.push(performance.now() - t2);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
  const max = (xs: number[]) => Math.max(...xs).toFixed(0);
  const rows = [
    ['/sync first response (defer), ms', med(defer), max(defer)],
    ['Answer button → modal, ms', med(modal), max(modal)],
    ['autocomplete round trip, ms', med(auto), max(auto)],
    ['challenged /sync end to end, ms', med(challenged), max(challenged)],
    ['quiet /sync (stored key), ms', med(quiet), max(quiet)],
    ['edits of a /sync reply in any 1 s', String(maxEditsPerSecond), ''],
  ];
  process.stdout.write(`| ${ROUNDS} rounds | median | max |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
} finally {
  await world.close();
}
