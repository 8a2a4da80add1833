/**
 * Discord stand-in benchmark (`npm run bench -- discordsim`): the floor under the bot's own figures. A bare
 * discord.js client that only defers each /sync (ephemeral) and then edits its reply, 50 members issuing /sync
 * at once, several rounds: acknowledgement latency (dispatch on the gateway → the stand-in accepting the
 * callback, wall clock) p50/p99/max, and the whole round (50 defers + 50 edits) in ms. Whatever the bot adds on
 * top of this is the bot's. Discord allows 3 s for the acknowledgement.
 * Client and stand-in share one process (and this machine's two cores), so each request costs both sides;
 * one interaction at a time acknowledges in ~2 ms. The edits go through discord.js's own global limit of 50
 * requests a second (REST option globalRequestsPerSecond; interaction callbacks are exempt), which is what sets
 * the round time.
 */
import { Client, Events, GatewayIntentBits, MessageFlags, Partials } from 'discord.js';
import { startDiscordSim } from '../sim/discord/index.ts';

const MEMBERS = 50;
const ROUNDS = 10;

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const discord = await startDiscordSim();
const client = new Client({ rest: { api: discord.apiBase }, intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages], partials: [Partials.Channel] });
client.on(Events.InteractionCreate, async (i) => {
  if (!i.isChatInputCommand()) return;
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  await i.editReply('done');
});
const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
await client.login(discord.token);
await ready;
await client.application!.commands.set([{ name: 'sync', description: 'Sync' }]);
const members = Array.from({ length: MEMBERS }, (_, n) => discord.addMember({ name: `member${n}` }));

const latencies: number[] = [];
const rounds: number[] = [];
for (let round = 0; round <= ROUNDS; round += 1) {
  const started = performance.now();
  const handles = members.map((m) => m.slash('sync'));
  await Promise.all(handles.map((h) => h.waitFor((rs) => rs[0]?.content === 'done', { timeoutMs: 30_000 })));
  const elapsed = performance.now() - started;
  if (round === 0) continue; // warm-up: JIT and connection pools
  rounds.push(elapsed);
  for (const h of handles) latencies.push(h.latencyMs ?? NaN);
}
latencies.sort((a, b) => a - b);
rounds.sort((a, b) => a - b);
console.log(`| ${MEMBERS} members x ${ROUNDS} rounds, bare discord.js | p50 ms | p99 ms | max ms |`);
console.log('|---|---|---|---|');
console.log(`| acknowledgement (defer) latency | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${latencies.at(-1)!.toFixed(1)} |`);
console.log(`| round: ${MEMBERS} defers + ${MEMBERS} edits | ${percentile(rounds, 50).toFixed(1)} | ${percentile(rounds, 99).toFixed(1)} | ${rounds.at(-1)!.toFixed(1)} |`);
console.log(`REST calls handled: ${discord.restCalls.length}`);
await client.destroy();
await discord.close();
