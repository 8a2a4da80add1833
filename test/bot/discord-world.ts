/**
 * The end-to-end world of the bot tests: the simulated bank, the Discord stand-in and the real bot (the real
 * discord.js client) on a real SQLite file, with every log line the bot writes kept so tests can check that no
 * secret ever reaches one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type AppContext } from '../../bot/context.ts';
import { startBot, type BotHandle, type BotOptions } from '../../bot/discord/bot.ts';
import { createLogger } from '../../bot/discord/logger.ts';
import { startSimBank, type SimBank, type RequestLogEntry } from '../../sim/bank/index.ts';
import { startDiscordSim, type DiscordSim, type SeenMessage, type SimMember } from '../../sim/discord/index.ts';

export interface WorldOptions extends Partial<Pick<BotOptions, 'challengeTimeoutMs' | 'tokenLifetimeMs' | 'now' | 'rateLimits'>> {
  /** The stand-in's clock (the 3 s and 15 min rules). */
  discordNow?: () => number;
}

export interface World {
  bank: SimBank;
  discord: DiscordSim;
  app: AppContext;
  bot: BotHandle;
  /** Every line the bot logged, as written. */
  logs: string[];
  dbPath: string;
  /** Stops the bot as SIGTERM would and starts a new one on the same database ('crash': no clean stop). */
  restart(how?: 'clean' | 'crash'): Promise<void>;
  bankLog(): Promise<RequestLogEntry[]>;
  bankAdmin(path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-bot-'));
  const dbPath = join(dir, 'bot.sqlite');
  const env = { OFX_MFA_KEY: randomBytes(32).toString('base64') };
  const bank = await startSimBank({ port: 0 });
  const discord = await startDiscordSim({ now: options.discordNow });
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  let app = openApp(dbPath, env);
  const zombies: Array<{ bot: BotHandle; app: AppContext }> = [];
  const boot = () =>
    startBot({
      app,
      token: discord.token,
      apiBase: discord.apiBase,
      log,
      runScheduler: false,
      challengeTimeoutMs: options.challengeTimeoutMs,
      tokenLifetimeMs: options.tokenLifetimeMs,
      now: options.now,
      rateLimits: options.rateLimits,
    });
  const world: World = {
    bank,
    discord,
    app,
    bot: await boot(),
    logs,
    dbPath,
    async restart(how = 'clean') {
      if (how === 'clean') {
        await world.bot.stop();
        app.db.close();
      } else {
        // As if the process died: its gateway connection drops, nothing is cleaned up, the file stays as it was.
        await world.bot.client.destroy();
        zombies.push({ bot: world.bot, app });
      }
      app = openApp(dbPath, env);
      world.app = app;
      world.bot = await boot();
    },
    async bankLog() {
      return (await (await fetch(`http://127.0.0.1:${bank.port}/admin/log`)).json()) as RequestLogEntry[];
    },
    async bankAdmin(path, body) {
      const response = await fetch(`http://127.0.0.1:${bank.port}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
      return response.json();
    },
    async close() {
      for (const z of zombies) {
        z.bot.services.syncs.abortAll();
        await z.bot.services.syncs.drain(2000);
        z.app.db.close();
      }
      await world.bot.stop().catch(() => undefined);
      app.db.close();
      await discord.close();
      await bank.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * `/bank add` through the Enter credentials button and the modal, as a member would. Of `world` only the bank's
 * details are read, so a benchmark whose bank runs in another process passes just those.
 */
export async function addBank(world: { bank: Pick<SimBank, 'info'> }, member: SimMember, name: string, user = 'demo', password = `${user}-password`): Promise<SeenMessage> {
  const info = world.bank.info();
  const command = member.slash('bank', { subcommand: 'add', options: { name, url: info.url, org: info.org, fid: info.fid } });
  const offer = await command.waitForReply((r) => r.buttons.some((b) => b.label === 'Enter credentials'));
  const button = offer.buttons.find((b) => b.label === 'Enter credentials')!;
  const modal = await member.click(offer, button.customId!).modal();
  member.submitModal(modal, { user, password });
  return command.waitForReply((r) => r.content.startsWith('Added'));
}

/** The relay's DM with an Answer button (the newest one not yet settled). */
export function waitForQuestions(member: SimMember, predicate: (dm: SeenMessage) => boolean = () => true): Promise<SeenMessage> {
  return member.waitForDm((dm) => dm.buttons.some((b) => b.label?.startsWith('Answer')) && predicate(dm));
}

/** Clicks Answer (or Next questions) on a message and fills the modal from answers by question id. */
export async function answer(member: SimMember, message: SeenMessage, answers: Record<string, string>, questionIds: string[]): Promise<void> {
  const button = message.buttons.find((b) => b.label?.startsWith('Answer') || b.label?.startsWith('Next'))!;
  const modal = await member.click(message, button.customId!).modal();
  const values: Record<string, string> = {};
  modal.fields.forEach((field, i) => {
    const id = questionIds[i];
    if (id !== undefined) values[field.customId] = answers[id] ?? '';
  });
  member.submitModal(modal, values);
}

export const DEMO_ANSWERS = { MFA16: 'Smith', SIMQ1: 'Rex' };

/** True when no log line holds any of the secrets. */
export function logsHoldNone(world: World, secrets: string[]): boolean {
  return world.logs.every((line) => secrets.every((s) => !line.includes(s)));
}
