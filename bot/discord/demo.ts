/**
 * `ofx-mfa demo`: the simulated bank, the Discord stand-in and the real bot, in this process, with one household
 * member played by a script: /bank add, a /sync challenged in a DM and answered through the modal, a second /sync
 * that asks nothing (the stored key), the bank revoking the key, and a third /sync challenged again. What the
 * member saw is printed as it happens. On a terminal the person types the answers to the modal's questions.
 */
import { read } from 'read';
import { removeConnection, ensureDiscordMember } from '../../db/index.ts';
import { openApp } from '../context.ts';
import { startSimBank } from '../../sim/bank/index.ts';
import { formatEntry, startDiscordSim, type ModalView, type SeenMessage, type SimMember } from '../../sim/discord/index.ts';
import { startBot } from './bot.ts';
import { createLogger } from './logger.ts';

/** The same simulated member every run, so the demo database keeps one member and one connection. */
const DEMO_MEMBER_ID = '100000000000000042';
const CONNECTION = 'simbank';

export interface DemoOptions {
  dbPath: string;
  out: (line: string) => void;
  /** Ask the person for the answers (a terminal); else the scripted member answers. */
  interactive: boolean;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const { interactive } = options;
  // While the person types an answer, what the bot does meanwhile waits, so it does not land inside the prompt.
  let held: string[] | null = null;
  const out = (line: string) => (held ? held.push(line) : options.out(line));
  const hold = (on: boolean) => {
    if (on) held ??= [];
    else {
      const lines = held ?? [];
      held = null;
      for (const line of lines) options.out(line);
    }
  };
  const bank = await startSimBank({ port: 0 });
  const info = bank.info();
  let memberName = '';
  const discord = await startDiscordSim({
    onSeen: (memberId, entry) => {
      if (memberId === DEMO_MEMBER_ID) out(indent(formatEntry(memberName, entry)));
    },
  });
  const app = openApp(options.dbPath);
  let bot: Awaited<ReturnType<typeof startBot>> | null = null;
  try {
    // A fresh connection each run: the simulated bank forgets its keys when it stops.
    const row = ensureDiscordMember(app.db, DEMO_MEMBER_ID, 'alex');
    removeConnection(app.db, row.id, CONNECTION);
    bot = await startBot({ app, token: discord.token, apiBase: discord.apiBase, log: createLogger({ level: 'warn' }), runScheduler: false });
    const member = discord.addMember({ id: DEMO_MEMBER_ID, name: 'alex' });
    memberName = member.name;
    out(`Simulated bank at ${info.url}; Discord stand-in at ${discord.apiBase}; database ${options.dbPath}.`);
    out(interactive
      ? `You play alex. When the bank asks, type the answers (the simulated bank's are: ${Object.entries(info.answers).map(([id, a]) => `${id} ${a}`).join(', ')}).`
      : 'No terminal: a scripted member answers the security questions.');

    step(out, '1. alex links the bank with /bank add');
    const add = member.slash('bank', { subcommand: 'add', options: { name: CONNECTION, url: info.url, org: info.org, fid: info.fid } });
    const offer = await add.waitForReply((r) => hasButton(r, 'Enter credentials'));
    const credentials = await member.click(offer, buttonId(offer, 'Enter credentials')).modal();
    member.submitModal(credentials, { user: info.user, password: info.password });
    await add.waitForReply((r) => r.content.startsWith('Added'));

    step(out, '2. alex runs /sync: the bank asks security questions, by DM');
    await syncAnswering(member, info.answers, interactive, out, hold);

    step(out, '3. a second /sync: the stored access key signs on, nobody is asked anything');
    const second = member.slash('sync', { options: { bank: CONNECTION } });
    await second.waitForReply((r) => /synced|:/.test(r.content) && !r.loading && /new transaction|error|refused/.test(r.content));

    step(out, '4. the bank revokes the access key (sim/bank admin)');
    await fetch(`http://127.0.0.1:${bank.port}/admin/revoke-keys`, { method: 'POST', body: JSON.stringify({ user: info.user }) });
    out('   (POST /admin/revoke-keys {"user":"demo"})');

    step(out, '5. a third /sync: challenged again');
    await syncAnswering(member, info.answers, interactive, out, hold);

    out('\nThat is the whole flow. To run the bot on your own Discord server, see README ("Run the bot on Discord").');
  } finally {
    await bot?.stop();
    app.db.close();
    await discord.close();
    await bank.close();
  }
}

async function syncAnswering(
  member: SimMember,
  answers: Record<string, string>,
  interactive: boolean,
  out: (line: string) => void,
  hold: (on: boolean) => void,
): Promise<void> {
  const seen = new Set(member.dms().map((d) => d.id));
  const sync = member.slash('sync', { options: { bank: CONNECTION } });
  let dm: SeenMessage | null = await member.waitForDm((d) => !seen.has(d.id) && hasButton(d, 'Answer'), { timeoutMs: 60_000 });
  // The bank's questions come in its order, and so do the DM's list and the modal's fields.
  const scripted = Object.values(answers);
  let offset = 0;
  while (dm) {
    const label = dm.buttons.find((b) => b.label?.startsWith('Answer') || b.label?.startsWith('Next'))!.label!;
    const modal = await member.click(dm, buttonId(dm, label)).modal();
    if (interactive) hold(true);
    const values = await fillModal(modal, scripted.slice(offset), interactive, out).finally(() => hold(false));
    member.submitModal(modal, values);
    offset += modal.fields.length;
    const id: string = dm.id;
    const after = await member.waitForDm((d) => d.id === id && !d.buttons.some((b) => b.label === label), { timeoutMs: 60_000 });
    dm = hasButton(after, 'Next') ? after : null;
  }
  await sync.waitForReply((r) => !r.loading && /new transaction|3001|expired|cancelled|refused|error/i.test(r.content), { timeoutMs: 60_000 });
}

/** The questions as the modal shows them; answers typed by the person (hidden) or from the simulated bank. */
async function fillModal(modal: ModalView, scripted: string[], interactive: boolean, out: (line: string) => void): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [i, field] of modal.fields.entries()) {
    values[field.customId] = interactive
      ? String(await read({ prompt: `   ${field.description ?? field.label}: `, silent: true, replace: '*' }))
      : (scripted[i] ?? '');
  }
  if (!interactive) out('   (the scripted member types the answers; they are never printed)');
  return values;
}

function hasButton(message: SeenMessage, prefix: string): boolean {
  return message.buttons.some((b) => b.label?.startsWith(prefix));
}

function buttonId(message: SeenMessage, prefix: string): string {
  const button = message.buttons.find((b) => b.label?.startsWith(prefix));
  if (!button?.customId) throw new Error(`no ${prefix} button on: ${message.content}`);
  return button.customId;
}

function step(out: (line: string) => void, title: string): void {
  out(`\n== ${title}`);
}

function indent(text: string): string {
  return text.split('\n').map((l) => `   ${l}`).join('\n');
}
