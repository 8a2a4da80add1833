/**
 * SIGKILL of the real `ofx-mfa bot` process while a challenge waits (issue 10 "Faults"): the bot runs as a child
 * process against the Discord stand-in and the simulated bank, both in this process on loopback (the bot finds
 * them through DISCORD_API_BASE and the gateway URL the stand-in hands out on GET /gateway/bot). It is killed
 * with `kill -9` once the questions are in the member's DM, then started again on the same database: the file
 * opens cleanly, the waiting challenge is expired and its DM says so, a late click on it answers that it
 * expired, and the next /sync works. (discord-restart.test.ts does the same in one process.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { startDiscordSim, type DiscordSim } from '../../sim/discord/index.ts';
import { BIN } from './cli-helpers.ts';
import { addBank, answer, DEMO_ANSWERS, waitForQuestions } from './discord-world.ts';

interface BotProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (its pino log lines go to stderr). */
  output: () => string;
  /** Resolves once the output holds `text`. */
  waitFor: (text: string) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('ofx-mfa bot killed with SIGKILL while a challenge waits', () => {
  let bank: SimBank;
  let discord: DiscordSim;
  let dir: string;
  let db: string;
  const key = randomBytes(32).toString('base64');
  const processes: BotProcess[] = [];

  /** Starts `ofx-mfa --db DB bot`; resolves once it says it is logged in (commands registered). */
  async function startBotProcess(): Promise<BotProcess> {
    const child = spawn(process.execPath, [BIN, '--db', db, 'bot'], {
      cwd: dir,
      env: { ...process.env, DISCORD_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, OFX_MFA_KEY: key, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const written = new EventEmitter();
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!output.includes(text)) return;
          written.off('data', check);
          resolve();
        };
        written.on('data', check);
        check();
      });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: string) => {
        output += chunk;
        written.emit('data');
        if (output.includes('ofx-mfa bot: logged in as')) resolve();
      };
      child.stdout!.setEncoding('utf8').on('data', onData);
      child.stderr!.setEncoding('utf8').on('data', onData);
      void exited.then(({ code }) => reject(new Error(`the bot exited (${code}) before logging in:\n${output}`)));
    });
    const bot = { child, output: () => output, waitFor, exited };
    processes.push(bot);
    await ready;
    return bot;
  }

  beforeAll(async () => {
    bank = await startSimBank({ port: 0 });
    discord = await startDiscordSim();
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-sigkill-'));
    db = join(dir, 'bot.sqlite');
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await discord.close();
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens cleanly, expires the challenge and says so in its DM, answers a late click, and syncs again', async () => {
    const first = await startBotProcess();
    const alice = discord.addMember({ name: 'alice' });
    await addBank({ bank }, alice, 'simbank');
    const sync = alice.slash('sync', { options: { bank: 'simbank' } });
    const dm = await waitForQuestions(alice);
    // Killed once the bot has noted where the DM went (the line comes after the row is written): a kill between
    // Discord taking the DM and the bot reading the answer would leave a DM no later process knows to edit.
    await first.waitFor('"event":"relay.asked"');
    const answerId = dm.buttons.find((b) => b.label === 'Answer')!.customId!;

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const raw = new BetterSqlite3(db);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    // Killed mid-wait: the challenge row still waits and the run is still open.
    expect(raw.prepare('select outcome from challenges').all()).toEqual([{ outcome: null }]);
    expect(raw.prepare('select state from sync_runs').all()).toEqual([{ state: 'running' }]);
    raw.close();

    const second = await startBotProcess();
    const edited = await alice.waitForDm((d) => d.id === dm.id && d.content.includes('restarted'));
    expect(edited.buttons).toHaveLength(0);
    const check = new BetterSqlite3(db, { readonly: true });
    expect(check.prepare('select outcome from challenges').all()).toEqual([{ outcome: 'expired' }]);
    check.close();
    // A client that still had the old message open clicks its Answer button: the new process answers from the row.
    const late = await alice.forgeClick(answerId, { dm: true }).response();
    expect(late.message?.content).toMatch(/expired when the bot restarted/);
    expect(sync.reply?.content ?? '').not.toMatch(/synced/);
    expect((await (await fetch(`http://127.0.0.1:${bank.port}/admin/log`)).json() as Array<{ answersSent: number }>).filter((e) => e.answersSent > 0)).toHaveLength(0);

    const again = alice.slash('sync', { options: { bank: 'simbank' } });
    await answer(alice, await waitForQuestions(alice, (d) => d.id !== dm.id), DEMO_ANSWERS, ['MFA16', 'SIMQ1']);
    await again.waitForReply((r) => /synced, \d+ new/.test(r.content));
    const after = new BetterSqlite3(db, { readonly: true });
    expect(after.prepare('select state from sync_runs order by id').all()).toEqual([{ state: 'crashed' }, { state: 'ok' }]);
    after.close();

    // Neither process wrote the password or an answer to its output.
    for (const p of [first, second]) for (const secret of ['demo-password', 'Smith', 'Rex']) expect(p.output()).not.toContain(secret);
  }, 120_000);
});
