/**
 * The end-to-end world of the bot tests: the simulated bank, the Discord stand-in and the real bot (the real
 * discord.js client) on a real SQLite file, with every log line the bot writes kept so tests can check that no
 * secret ever reaches one.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type AppContext } from '../../bot/context.ts';
import { startBot, type BotHandle, type BotOptions } from '../../bot/discord/bot.ts';
import { createLogger } from '../../bot/discord/logger.ts';
import { startSimBank, type SimBank, type SimBankOptions, type RequestLogEntry } from '../../sim/bank/index.ts';
import { startDiscordSim, type DiscordSim, type DiscordSimOptions, type InteractionHandle, type SeenMessage, type SimMember } from '../../sim/discord/index.ts';

export interface WorldOptions extends Partial<Pick<BotOptions, 'challengeTimeoutMs' | 'tokenLifetimeMs' | 'now' | 'rateLimits'>> {
  /** The stand-in's clock (the 3 s and 15 min rules). */
  discordNow?: () => number;
  /** The bank's users (default: sim/bank's own). */
  bankUsers?: SimBankOptions['users'];
  /** Every gateway event the stand-in sends the bot. */
  onGatewayEvent?: DiscordSimOptions['onGatewayEvent'];
}

export interface World {
  bank: SimBank;
  discord: DiscordSim;
  app: AppContext;
  bot: BotHandle;
  /** Every line the bot logged, as written. */
  logs: string[];
  /** The logged entries of one event (parsed lines), oldest first. */
  logged(event: string): LogEntry[];
  /** Resolves with the first logged entry of `event` that satisfies the predicate, waiting for it if need be. */
  waitForLog(event: string, predicate?: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  dbPath: string;
  /** Stops the bot as SIGTERM would and starts a new one on the same database (a crash: discord-sigkill.test.ts). */
  restart(): Promise<void>;
  bankLog(): Promise<RequestLogEntry[]>;
  bankAdmin(path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** A parsed log line of the bot's. */
export type LogEntry = { event?: string; level: number; [key: string]: unknown };

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-bot-'));
  const dbPath = join(dir, 'bot.sqlite');
  const env = { OFX_MFA_KEY: randomBytes(32).toString('base64') };
  const bank = await startSimBank({ port: 0, users: options.bankUsers });
  const discord = await startDiscordSim({ now: options.discordNow, onGatewayEvent: options.onGatewayEvent });
  const logs: string[] = [];
  const lineWritten = new EventEmitter();
  const log = createLogger({
    level: 'debug',
    destination: {
      write: (line: string) => {
        logs.push(line);
        lineWritten.emit('line');
      },
    },
  });
  const logged = (event: string) => logs.map((l) => JSON.parse(l) as LogEntry).filter((e) => e.event === event);
  let app = openApp(dbPath, env);
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
    logged,
    waitForLog(event, predicate = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logged(event).find(predicate);
          if (!found) return;
          clearTimeout(timer);
          lineWritten.off('line', check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          lineWritten.off('line', check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line ${event}; logged: ${logs.map((l) => (JSON.parse(l) as LogEntry).event).join(', ')}`));
        }, timeoutMs);
        lineWritten.on('line', check);
        check();
      });
    },
    dbPath,
    async restart() {
      await world.bot.stop();
      app.db.close();
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
export async function addBank(world: { bank: Pick<SimBank, 'info'> }, member: SimMember, name: string, user = 'demo', options: AddBankOptions = {}): Promise<SeenMessage> {
  const info = world.bank.info();
  const command = member.slash('bank', { subcommand: 'add', options: { name, url: options.url ?? info.url, org: info.org, fid: info.fid } });
  const offer = await command.waitForReply((r) => r.buttons.some((b) => b.label === 'Enter credentials'));
  const button = offer.buttons.find((b) => b.label === 'Enter credentials')!;
  const modal = await member.click(offer, button.customId!).modal();
  const submit = member.submitModal(modal, { user, password: options.password ?? `${user}-password` });
  options.onSubmit?.(submit);
  return command.waitForReply((r) => r.content.startsWith('Added'));
}

export interface AddBankOptions {
  /** The OFX URL given to /bank add (default the world's bank). */
  url?: string;
  /** Typed into the modal (default `${user}-password`). */
  password?: string;
  /** Sees the modal submit as it leaves the member (the secrets test keeps its inbound payload). */
  onSubmit?: (submit: InteractionHandle) => void;
}

/** The relay's DM with an Answer button (the newest one not yet settled). */
export function waitForQuestions(member: SimMember, predicate: (dm: SeenMessage) => boolean = () => true): Promise<SeenMessage> {
  return member.waitForDm((dm) => dm.buttons.some((b) => b.label?.startsWith('Answer')) && predicate(dm));
}

/** Clicks Answer (or Next questions) on a message and fills the modal from answers by question id. */
export async function answer(member: SimMember, message: SeenMessage, answers: Record<string, string>, questionIds: string[]): Promise<InteractionHandle> {
  const button = message.buttons.find((b) => b.label?.startsWith('Answer') || b.label?.startsWith('Next'))!;
  const modal = await member.click(message, button.customId!).modal();
  const values: Record<string, string> = {};
  modal.fields.forEach((field, i) => {
    const id = questionIds[i];
    if (id !== undefined) values[field.customId] = answers[id] ?? '';
  });
  return member.submitModal(modal, values);
}

export const DEMO_ANSWERS = { MFA16: 'Smith', SIMQ1: 'Rex' };

/** True when no log line holds any of the secrets. */
export function logsHoldNone(world: World, secrets: string[]): boolean {
  return world.logs.every((line) => secrets.every((s) => !line.includes(s)));
}
