/**
 * The bot under load (`npm run bench -- bot-load`), issue 10: the real `ofx-mfa bot` process against the Discord
 * stand-in and the simulated bank, three processes. The stand-in runs here, with the members it acts as; the bank
 * (`ofx-mfa sim bank`) and the bot each run in their own, the bot on a fresh SQLite file. Apart, neither the
 * bank's statement generation nor the stand-in's own work colours the bot's memory, and the stand-in's clock is
 * late only by its own handling (its event-loop delay is printed). The bot and the bank run as bin/ofx-mfa.js
 * does: dist/ when it is current (`npm run build` first, as production), else the sources through tsx; the
 * output says which.
 *
 * 50 members each add the bank (`/bank add`, Enter credentials, the modal) and run one challenged /sync answered
 * through the DM's modal, so every later /sync is keyed (signs on with the stored access key, no questions). Then
 * rounds of 100 interactions: 50 /sync at once (one per member), and while those syncs run, 50 others spread
 * over the members (autocomplete, /accounts, /transactions, /bank list, /bank remove + its Keep button); once
 * the members' /sync allowance (the bot's default rate limit, 5 in 10 minutes) is spent, 100 others a round.
 *
 * - Acknowledgement latency: the stand-in's wall clock from dispatching INTERACTION_CREATE to accepting the
 *   bot's callback (for /sync, the defer), p50/p99/max over all rounds. Discord allows 3 s; target p99 of the
 *   50 simultaneous /sync under 100 ms.
 * - The bot's resident memory (VmRSS from /proc/PID/status, read from outside) idle after login and after each
 *   hundred interactions or so, next to a bare discord.js client logged in to the same stand-in
 *   (bench/bare-discord-client.mjs). Both run with --expose-gc and bench/gc-on-signal.mjs: before each reading
 *   the process settles, then runs a full GC on SIGUSR2 and reports its heap. Target: the bot within 30 MB of the
 *   bare client, no growth after the first hundred interactions.
 * Linux only (/proc). The load average (1 min) is printed with each figure: other work on the machine shows.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_RATE_LIMITS } from '../bot/discord/rate-limits.ts';
import type { SimBankInfo } from '../sim/bank/index.ts';
import { FIRST_RESPONSE_MS, InteractionFailed, startDiscordSim } from '../sim/discord/index.ts';
import type { InteractionHandle, SimMember } from '../sim/discord/index.ts';
import { addBank, answer, DEMO_ANSWERS, waitForQuestions } from '../test/bot/discord-world.ts';

const MEMBERS = 50;
/** Rounds of 100 interactions after the 300 of the set-up: 1,000 in all. */
const ROUNDS = 7;
/**
 * Rounds that start with 50 /sync at once: as many as the bot's per-member /sync limit allows after the set-up's
 * one (the bot runs with its defaults and reads nothing new for the benchmark); the rest are other interactions.
 */
const SYNC_ROUNDS = Math.min(ROUNDS, DEFAULT_RATE_LIMITS.sync.limit - 1);
/** Members set up at once (each: 6 interactions and one challenged sync). */
const SETUP_BATCH = 17;
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
const WAIT_MS = 60_000;

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'ofx-mfa.js');
const work = mkdtempSync(join(tmpdir(), 'ofx-mfa-botload-'));
const load = (): string => loadavg()[0]!.toFixed(2);
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const mb = (x: number): string => x.toFixed(1);

async function distIsCurrent(): Promise<boolean> {
  const digest = (await import(pathToFileURL(join(root, 'bin', 'source-digest.js')).href)) as { sourceDigest(root: string): string; STAMP_FILE: string };
  try {
    return JSON.parse(readFileSync(join(root, 'dist', digest.STAMP_FILE), 'utf8')).digest === digest.sourceDigest(root);
  } catch {
    return false;
  }
}

interface Memory {
  /** VmRSS after the settle, before the GC. */
  settledMb: number;
  /** After the GC: VmRSS, and its anonymous and file-backed parts. */
  rssMb: number;
  anonMb: number;
  fileMb: number;
  heapMb: number;
  /** V8's committed heap: what the heap holds in RSS, used or not. */
  heapTotalMb: number;
  /** Memory of C++ objects bound to JS ones (SQLite statements, buffers). */
  externalMb: number;
  load: string;
}

/** A node child measured from outside; stdout is kept for the first line, stderr goes to a file. */
class Measured {
  readonly child: ChildProcess;
  readonly exited: Promise<never>;
  readonly firstLine: Promise<string>;
  private readonly memFile: string;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.memFile = join(work, `${name}.mem.json`);
    // NODE_OPTIONS could carry a loader (tsx) into the child and onto its memory figure.
    const { NODE_OPTIONS: _loader, ...inherited } = process.env;
    // BENCH_NODE_ARGS (e.g. --cpu-prof --cpu-prof-dir=DIR, --heapsnapshot-signal=SIGUSR1) go to every child alike.
    const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    this.child = spawn(process.execPath, ['--expose-gc', '--import', join(here, 'gc-on-signal.mjs'), ...extra, ...args], {
      cwd: work,
      env: { ...inherited, ...env, BENCH_MEM_FILE: this.memFile },
      stdio: ['ignore', 'pipe', openSync(join(work, `${name}.stderr`), 'w')],
    });
    this.exited = new Promise<never>((_, reject) =>
      this.child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}); its stderr: ${this.stderr().slice(-2000)}`))),
    );
    this.exited.catch(() => undefined);
    let out = '';
    this.firstLine = Promise.race([
      this.exited,
      new Promise<string>((resolve) =>
        this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        }),
      ),
    ]);
    this.firstLine.catch(() => undefined);
  }

  stderr(): string {
    return readFileSync(join(work, `${this.name}.stderr`), 'utf8');
  }

  private status(): { rssMb: number; anonMb: number; fileMb: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rssMb: field('VmRSS'), anonMb: field('RssAnon'), fileMb: field('RssFile') };
  }

  /** After a settle: RSS, then a forced GC in the process, then RSS and heap again. */
  async memory(): Promise<Memory> {
    await sleep(SETTLE_MS);
    const settledMb = this.status().rssMb;
    rmSync(this.memFile, { force: true });
    this.child.kill('SIGUSR2');
    for (let i = 0; !existsSync(this.memFile); i++) {
      if (i > 250) throw new Error(`${this.name} did not report its heap (is gc-on-signal.mjs loaded?)`);
      await sleep(20);
    }
    await sleep(50); // written synchronously, but let the write land before reading
    const heap = JSON.parse(readFileSync(this.memFile, 'utf8')) as { heapUsed: number; heapTotal: number; external: number; spaces: Record<string, number> };
    if (process.env.BENCH_SPACES) process.stdout.write(`${this.name} V8 spaces committed MB: ${Object.entries(heap.spaces).map(([k, v]) => `${k} ${mb(v / 2 ** 20)}`).join(', ')}\n`);
    return {
      settledMb,
      ...this.status(),
      heapMb: heap.heapUsed / 2 ** 20,
      heapTotalMb: heap.heapTotal / 2 ** 20,
      externalMb: heap.external / 2 ** 20,
      load: load(),
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([gone, sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const discord = await startDiscordSim();
const discordEnv = { DISCORD_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase };
const children: Measured[] = [];
const start = (name: string, args: string[], env: NodeJS.ProcessEnv): Measured => {
  const child = new Measured(name, args, env);
  children.push(child);
  return child;
};
try {
  const fromDist = await distIsCurrent();
  const bankProcess = start('bank', [bin, 'sim', 'bank', '--port', '0', '--json'], {});
  const info = JSON.parse(await bankProcess.firstLine) as SimBankInfo;
  const bank = { info: () => info };
  // BENCH_BOT_NODE_OPTIONS: NODE_OPTIONS for the bot alone, as a deployment would set them (e.g. --max-semi-space-size=2).
  const botNodeOptions = process.env.BENCH_BOT_NODE_OPTIONS ?? '';
  const bot = start('bot', [bin, '--db', join(work, 'bot.sqlite'), 'bot'], {
    ...discordEnv,
    OFX_MFA_KEY: '',
    XDG_DATA_HOME: work,
    ...(botNodeOptions ? { NODE_OPTIONS: botNodeOptions } : {}),
  });
  await Promise.race([
    bot.exited,
    discord.waitForBot({ timeoutMs: WAIT_MS }).then(() => discord.waitUntil(() => discord.registeredCommands().length > 0, 'the bot to register its commands', WAIT_MS)),
  ]);
  process.stdout.write(
    `bot and bank: ${fromDist ? 'dist/ (compiled, as production runs it)' : 'the TypeScript sources through tsx (dist/ missing or stale; `npm run build` to measure what production runs)'}; ` +
      `${botNodeOptions ? `bot's NODE_OPTIONS: ${botNodeOptions}; ` : ''}${MEMBERS} members, each with a keyed connection to the simulated bank after the set-up\n`,
  );

  // Accepted callbacks only: a late one (10062) is not a second interaction.
  const callbacks = (): number => discord.callsTo('POST /interactions/:interaction/:token/callback').filter((c) => c.status < 300).length;
  let acknowledged = 0;
  /** Interactions that got no response within 3 s (the stand-in failed them). */
  let failed = 0;
  /** Interactions so far: those acknowledged (each once; the calls are then forgotten) and those that failed. */
  const tally = (): number => {
    acknowledged += callbacks();
    discord.clearRestCalls();
    return acknowledged + failed;
  };
  const series: Array<{ after: string; mem: Memory }> = [];
  series.push({ after: '0 (idle after login)', mem: await bot.memory() });

  const members = Array.from({ length: MEMBERS }, (_, n) => discord.addMember({ name: `member${n}` }));
  const synced = (handle: InteractionHandle) => handle.waitForReply((r) => /synced/.test(r.content), { timeoutMs: WAIT_MS });
  const setUp = async (m: SimMember): Promise<void> => {
    let stage = '/bank add';
    try {
      await addBank({ bank }, m, 'simbank');
      stage = 'the challenged /sync';
      const seen = new Set(m.dms().map((d) => d.id));
      const sync = m.slash('sync', { options: { bank: 'simbank' } });
      await answer(m, await waitForQuestions(m, (d) => !seen.has(d.id)), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
      await synced(sync);
    } catch (error) {
      throw new Error(`set-up of ${m.name}, ${stage}: ${(error as Error).message}\n${m.transcript()}`);
    }
  };
  for (let i = 0; i < MEMBERS; i += SETUP_BATCH) {
    await Promise.all(members.slice(i, i + SETUP_BATCH).map(setUp));
    series.push({ after: `${tally()} (set-up: ${Math.min(i + SETUP_BATCH, MEMBERS)} members keyed)`, mem: await bot.memory() });
  }

  const answered = (h: InteractionHandle) => h.waitFor((rs) => rs.some((r) => !r.loading), { timeoutMs: WAIT_MS });
  /** One member's other interaction in a round, by position: reads and lists, autocomplete, a confirmation button. */
  const other = async (m: SimMember, n: number): Promise<number[]> => {
    switch (n % 5) {
      case 0: {
        // autocomplete resolves with the choices, on the stand-in's accepting the callback
        const started = performance.now();
        await m.autocomplete('sync', { focused: 'bank', options: { bank: 'sim' } }, { timeoutMs: WAIT_MS });
        return [performance.now() - started];
      }
      case 1:
      case 2:
      case 3: {
        const h = n % 5 === 1 ? m.slash('accounts') : n % 5 === 2 ? m.slash('transactions', { options: { bank: 'simbank' } }) : m.slash('bank', { subcommand: 'list' });
        await answered(h);
        return [h.latencyMs!];
      }
      default: {
        if (n % 10 === 9) return []; // half of this fifth: a round of 100 in all
        const ask = m.slash('bank', { subcommand: 'remove', options: { name: 'simbank' } });
        const [question] = await ask.waitFor((rs) => rs.some((r) => r.buttons.some((b) => b.label === 'Keep')), { timeoutMs: WAIT_MS });
        const keep = m.click(question!, question!.buttons.find((b) => b.label === 'Keep')!.customId!);
        await keep.response({ timeoutMs: WAIT_MS });
        return [ask.latencyMs!, keep.latencyMs!];
      }
    }
  };
  /** An interaction the stand-in failed (no first response within 3 s) is counted, and costs the round nothing more. */
  const orFailed = <T,>(pending: Promise<T>): Promise<T | null> =>
    pending.catch((error: unknown) => {
      if (!(error instanceof InteractionFailed)) throw error;
      failed += 1;
      return null;
    });

  const syncAcks: number[] = [];
  const otherAcks: number[] = [];
  const quietAcks: number[] = [];
  const roundMax: string[] = [];
  let notDeferred = 0;
  const standInDelay = monitorEventLoopDelay({ resolution: 5 });
  standInDelay.enable();
  for (let round = 0; round < ROUNDS; round++) {
    if (round >= SYNC_ROUNDS) {
      // The members' /sync allowance is spent: two passes of the others make up the hundred.
      for (let pass = 0; pass < 2; pass++) {
        const rest = await Promise.all(members.map((m, n) => orFailed(other(m, n))));
        quietAcks.push(...rest.flatMap((o) => o ?? [FIRST_RESPONSE_MS]));
      }
      series.push({ after: String(tally()), mem: await bot.memory() });
      continue;
    }
    const handles = members.map((m) => m.slash('sync', { options: { bank: 'simbank' } }));
    const firsts = await Promise.all(handles.map((h) => orFailed(h.response({ timeoutMs: WAIT_MS }))));
    notDeferred += firsts.filter((f) => f && f.kind !== 'deferReply').length;
    const acks = firsts.map((f) => f?.latencyMs ?? FIRST_RESPONSE_MS);
    syncAcks.push(...acks);
    roundMax.push(`${Math.max(...acks).toFixed(0)} (load ${load()})`);
    const rest = await Promise.all(members.map((m, n) => orFailed(other(m, n))));
    otherAcks.push(...rest.flatMap((o) => o ?? [FIRST_RESPONSE_MS]));
    await Promise.all(handles.filter((_, n) => firsts[n]?.kind === 'deferReply').map(synced));
    series.push({ after: String(tally()), mem: await bot.memory() });
  }
  standInDelay.disable();

  // The floor, in the same three processes: a bare client taking the bot's place (the bot stops first, so the
  // stand-in has one client again) and the same rounds of 50 /sync at once, which it only defers and edits.
  await bot.stop();
  const bare = start('bare', [join(here, 'bare-discord-client.mjs')], discordEnv);
  await bare.firstLine;
  const bareIdle = await bare.memory();
  const bareAcks: number[] = [];
  for (let round = 0; round < SYNC_ROUNDS; round++) {
    const handles = members.map((m) => m.slash('sync', { options: { bank: 'simbank' } }));
    await Promise.all(handles.map((h) => h.waitForReply((r) => r.content === 'done', { timeoutMs: WAIT_MS })));
    bareAcks.push(...handles.map((h) => h.latencyMs!));
  }
  const bareAfter = await bare.memory();
  bareAcks.sort((x, y) => x - y);

  syncAcks.sort((x, y) => x - y);
  otherAcks.sort((x, y) => x - y);
  quietAcks.sort((x, y) => x - y);
  const row = (xs: number[]) => `${xs.length} | ${percentile(xs, 50).toFixed(1)} | ${percentile(xs, 99).toFixed(1)} | ${xs.at(-1)!.toFixed(1)}`;
  const p99 = percentile(syncAcks, 99);
  const out: string[] = [];
  out.push('', '| acknowledgement, ms (stand-in clock: dispatch → callback accepted) | n | p50 | p99 | max |', '|---|---:|---:|---:|---:|');
  out.push(`| ${MEMBERS} /sync at once (the defer), ${SYNC_ROUNDS} rounds | ${row(syncAcks)} |`);
  out.push(`| the others, fired while those syncs run | ${row(otherAcks)} |`);
  out.push(`| the others, no sync running (${ROUNDS - SYNC_ROUNDS} rounds) | ${row(quietAcks)} |`);
  out.push(`| floor: a bare discord.js client deferring the same ${MEMBERS} /sync at once, ${SYNC_ROUNDS} rounds | ${row(bareAcks)} |`);
  out.push(`per-round max of the /sync defers, ms: ${roundMax.join(', ')}`);
  out.push(`stand-in's own event-loop delay during the rounds: p99 ${(standInDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(standInDelay.max / 1e6).toFixed(0)} ms`);
  out.push(
    `target p99 < 100 ms (Discord allows 3000): ${p99 < 100 ? 'ok' : 'MISSED'}` +
      `${notDeferred ? `; ${notDeferred} /sync answered without a defer (refused?)` : ''}` +
      `${failed ? `; ${failed} interactions failed (no response within 3 s; counted as 3000 ms)` : ''}`,
  );
  out.push('', `| after N interactions (settle ${SETTLE_MS} ms, then GC) | RSS settled MB | RSS MB | anon | file | heap used | heap committed | external | load 1 min |`, '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const memRow = (label: string, m: Memory) =>
    `| ${label} | ${mb(m.settledMb)} | ${mb(m.rssMb)} | ${mb(m.anonMb)} | ${mb(m.fileMb)} | ${mb(m.heapMb)} | ${mb(m.heapTotalMb)} | ${mb(m.externalMb)} | ${m.load} |`;
  for (const { after, mem } of series) out.push(memRow(`bot, ${after}`, mem));
  out.push(memRow('bare discord.js client, logged in, idle', bareIdle));
  out.push(memRow(`bare discord.js client, after ${bareAcks.length} /sync deferred and edited`, bareAfter));
  const count = (s: { after: string }) => Number.parseInt(s.after, 10);
  const firstHundred = series.find((s) => count(s) >= 100)!;
  const last = series.at(-1)!;
  const over = last.mem.rssMb - bareIdle.rssMb;
  out.push(
    `bot after ${count(last)} interactions − bare idle: ${mb(over)} MB (target ≤ 30: ${over <= 30 ? 'ok' : 'MISSED'}; − bare after its rounds: ${mb(last.mem.rssMb - bareAfter.rssMb)} MB); ` +
      `growth from ${count(firstHundred)} to ${count(last)}: RSS ${mb(last.mem.rssMb - firstHundred.mem.rssMb)} MB, heap ${mb(last.mem.heapMb - firstHundred.mem.heapMb)} MB`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
} catch (error) {
  process.stdout.write(`${(error as Error).message}\nthe bot's stderr, last lines:\n${children.find((c) => c.name === 'bot')?.stderr().split('\n').slice(-15).join('\n')}\n`);
  process.exitCode = 1;
} finally {
  for (const c of children) await c.stop();
  await discord.close();
  rmSync(work, { recursive: true, force: true });
}
