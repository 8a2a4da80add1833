/**
 * `ofx-mfa bank add|set|list|remove|forget-key|clear-hold`: the member's bank connections. The work is the bank
 * service's (bot/bank-service.ts, shared with the Discord commands); this file gathers flags and secrets and
 * prints the results in the command line's words.
 */
import type { Command } from 'commander';
import type { Hold } from '../../../db/index.ts';
import {
  addBank,
  changeBank,
  checkBankSettings,
  clearBankHold,
  describeHold,
  forgetBankKey,
  hasBank,
  listBanks,
  readBankProfile,
  removeBank,
  type BankChanges,
  type BankNote,
  type BankSummary,
  type NewBankInput,
  type ProfileReading,
} from '../../bank-service.ts';
import { OFX_VERSIONS, parseAccountSpec } from '../../validate.ts';
import { CliError, EXIT } from '../errors.ts';
import { promptHidden, readSecrets, secretOptions, SECRETS, secretRequested, type SecretName } from '../secrets-input.ts';
import { withServiceErrors } from '../service-errors.ts';
import { withSession } from '../session.ts';
import { findBank } from '../../../core/directory/index.ts';
import { formatQuirks, type QuirkChange } from '../../../core/ofx/quirks.ts';
import { serverFields, type ServerFields } from '../../directory-fields.ts';
import { collectQuirk } from '../quirk-option.ts';

/** --bank NICK fills the server fields from the directory; each option given on the command line wins. */
function directoryFieldsForAdd(options: AddOptions, command: Command): ServerFields {
  const given = (key: string) => command.getOptionValueSource(key) === 'cli' || command.getOptionValueSource(key) === 'env';
  const entry = options.bank === undefined ? null : findBank(options.bank);
  if (options.bank !== undefined && !entry) {
    throw new CliError(`--bank ${options.bank}: no such nickname in the bank directory; find it with: ofx-mfa banks WORDS`, EXIT.usage);
  }
  if (!entry) {
    const missing = (['url', 'org', 'fid'] as const).filter((k) => options[k] === undefined);
    if (missing.length > 0) throw new CliError(`${missing.map((k) => `--${k}`).join(', ')} needed (or --bank NICK from: ofx-mfa banks)`, EXIT.usage);
  }
  return serverFields(entry, {
    url: options.url,
    org: options.org,
    fid: options.fid,
    version: entry && !given('ofxVersion') ? undefined : options.ofxVersion,
    appId: entry && !given('appId') ? undefined : options.appId,
    appVer: entry && !given('appVer') ? undefined : options.appVer,
    quirks: options.quirk,
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const FLAG_OF: Record<NonNullable<BankNote['missing']>, string> = {
  userCred1: '--user-cred1',
  userCred2: '--user-cred2',
  authToken: '--auth-token',
};

function printNotes(name: string, notes: BankNote[]): void {
  for (const note of notes) {
    process.stdout.write(`  ${note.text}\n`);
    if (note.missing) process.stdout.write(`    to add it: ofx-mfa bank set ${name} ${FLAG_OF[note.missing]}\n`);
  }
}

/** How to go on from a hold, with this command line's commands. */
export function holdLine(name: string, hold: Hold): string {
  const { summary } = describeHold(hold);
  const next =
    hold.reason === 'answers-rejected'
      ? `run ofx-mfa sync ${name} on a terminal to answer, or ofx-mfa bank clear-hold ${name}`
      : hold.code === 15502
        ? `call the bank to unlock the account, then ofx-mfa bank clear-hold ${name}`
        : `ofx-mfa bank set ${name} --password (or --user, --user-cred1), or ofx-mfa bank clear-hold ${name}`;
  return `${summary}; to go on: ${next}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listLine(b: BankSummary): string {
  const key = b.accessKey ? `access key ${b.accessKey.ageDays === 0 ? 'from today' : `${plural(b.accessKey.ageDays, 'day')} old`}` : 'no access key';
  const quirks = formatQuirks(b.quirks);
  return [
    b.name,
    b.url,
    `ORG ${b.org ?? '-'} FID ${b.fid ?? '-'}`,
    `OFX ${b.version}`,
    plural(b.accounts.length, 'account'),
    `last sync ${b.lastSyncedAt ?? 'never'}`,
    key,
    ...(quirks ? [`quirks: ${quirks}`] : []),
  ].join('  ');
}

interface AddOptions extends Record<string, unknown> {
  url?: string;
  org?: string;
  fid?: string;
  bank?: string;
  quirk: QuirkChange[];
  user: string;
  ofxVersion: string;
  appId: string;
  appVer: string;
  account: string[];
  answerAggregate: string;
  profile: boolean;
}

interface SetOptions extends Record<string, unknown> {
  url?: string;
  org?: string;
  fid?: string;
  user?: string;
  ofxVersion?: string;
  appId?: string;
  appVer?: string;
  answerAggregate?: string;
  quirk: QuirkChange[];
}

/** On a terminal, the credentials the profile names and the flags did not give are asked for now (Enter skips). */
async function askForNamedCredentials(reading: ProfileReading, have: Partial<Record<SecretName, string>>): Promise<void> {
  if (reading.status !== 'read' || !process.stdin.isTTY) return;
  const { flags } = reading;
  const wanted: [SecretName, string | null][] = [
    ['userCred1', flags.userCred1Label],
    ['userCred2', flags.userCred2Label],
    ['authToken', flags.authTokenFirst ? (flags.authTokenLabel ?? 'Authentication token') : null],
  ];
  for (const [name, label] of wanted) {
    if (!label || have[name]) continue;
    const tag = SECRETS.find((s) => s.name === name)!.label;
    const value = await promptHidden(`The bank asks for "${label}" (${tag}; Enter to skip): `);
    if (value) have[name] = value;
  }
}

export function register(program: Command): void {
  const bank = program.command('bank').description('manage your bank connections');

  const add = bank
    .command('add')
    .description('store a bank connection (secrets are encrypted; never pass one as an argument)')
    .argument('<name>', 'a short name for this connection')
    .option('--bank <nick>', 'fill URL, ORG, FID, version, broker ID and quirks from the bank directory (see: ofx-mfa banks)')
    .option('--url <url>', "the bank's OFX server URL (required without --bank)")
    .option('--org <org>', 'FI ORG (required without --bank)')
    .option('--fid <fid>', 'FI FID (required without --bank)')
    .requiredOption('--user <id>', 'your user ID at the bank')
    .option('--quirk <q>', 'a server quirk: NAME, NAME=VALUE or -NAME to drop one the directory set (repeatable)', collectQuirk, [])
    .option('--ofx-version <v>', `OFX version (${OFX_VERSIONS.join(', ')})`, '103')
    .option('--app-id <id>', 'APPID to announce', 'QWIN')
    .option('--app-ver <ver>', 'APPVER to announce', '2700')
    .option('--account <TYPE:ACCTID[:BANKID]>', 'an account to sync (repeatable); without it the first sync discovers them', collect, [])
    .option('--answer-aggregate <name>', 'MFACHALLENGEA (default) or MFACHALLENGEANSWER, as the bank expects', 'MFACHALLENGEA')
    .option('--no-profile', "store the connection without asking the bank for its profile now");
  secretOptions(add, ['userCred1', 'userCred2', 'authToken']).action(async (name: string, options: AddOptions, command: Command) => {
    const server = directoryFieldsForAdd(options, command);
    const settings = {
      name,
      ...server,
      userId: options.user,
      answerAggregate: options.answerAggregate,
      accounts: options.account.map(parseAccountSpec),
    } satisfies Partial<NewBankInput>;
    const result = await withServiceErrors(async () => {
      // Everything but the secrets is checked before the person is asked for any.
      checkBankSettings(settings);
      return withSession(command, async (session) => {
        if (hasBank(session, session.member.id, name)) {
          throw new CliError(`a connection named "${name}" already exists: change it with ofx-mfa bank set ${name}`, EXIT.usage);
        }
        const secrets = await readSecrets(options, ['password']);
        const profile: ProfileReading | 'skip' = options.profile ? await readBankProfile(settings) : 'skip';
        if (profile !== 'skip') await askForNamedCredentials(profile, secrets);
        return addBank(session, session.member.id, { ...settings, password: secrets.password ?? '', ...secrets }, { profile });
      });
    });
    const n = result.bank.accounts.length;
    const what = n > 0 ? plural(n, 'account') : 'accounts discovered on the first sync';
    process.stdout.write(`added ${name} (${what}); run: ofx-mfa sync ${name}\n`);
    printNotes(name, result.notes);
  });

  const set = bank
    .command('set')
    .description('change a stored connection (secrets are asked for as at bank add)')
    .argument('<name>')
    .option('--url <url>', "the bank's OFX server URL")
    .option('--org <org>', 'FI ORG')
    .option('--fid <fid>', 'FI FID')
    .option('--user <id>', 'your user ID at the bank')
    .option('--ofx-version <v>', `OFX version (${OFX_VERSIONS.join(', ')})`)
    .option('--app-id <id>', 'APPID to announce')
    .option('--app-ver <ver>', 'APPVER to announce')
    .option('--answer-aggregate <name>', 'MFACHALLENGEA or MFACHALLENGEANSWER')
    .option('--quirk <q>', 'set a server quirk: NAME, NAME=VALUE (clientuid= : send no CLIENTUID), or -NAME to clear it (repeatable)', collectQuirk, []);
  secretOptions(set, ['password', 'userCred1', 'userCred2', 'authToken'])
    .option('--no-user-cred1', 'remove the stored USERCRED1')
    .option('--no-user-cred2', 'remove the stored USERCRED2')
    .option('--no-auth-token', 'remove the stored authentication token')
    .action(async (name: string, options: SetOptions, command: Command) => {
      const changes: BankChanges = {
        url: options.url,
        org: options.org,
        fid: options.fid,
        userId: options.user,
        version: options.ofxVersion,
        appId: options.appId,
        appVer: options.appVer,
        answerAggregate: options.answerAggregate,
        quirks: options.quirk.length > 0 ? Object.fromEntries(options.quirk.map((q) => [q.name, q.value])) : undefined,
      };
      for (const s of SECRETS) {
        const flag = options[s.name];
        if (flag === false) (changes as Record<string, unknown>)[s.name] = null;
      }
      const asked = SECRETS.filter((s) => secretRequested(options, s.name)).length;
      if (asked === 0 && Object.values(changes).every((v) => v === undefined)) {
        throw new CliError(`nothing to change: give what to change, e.g. ofx-mfa bank set ${name} --password`, EXIT.usage);
      }
      const result = await withServiceErrors(() =>
        withSession(command, async (session) => {
          // The connection must exist before anyone is asked for a password.
          if (!hasBank(session, session.member.id, name)) throw new CliError(`no bank connection named "${name}" (see: ofx-mfa bank list)`, EXIT.usage);
          const secrets = await readSecrets(options);
          return changeBank(session, session.member.id, name, { ...changes, ...secrets });
        }),
      );
      const labels: Record<string, string> = { userId: 'user ID', version: 'OFX version', userCred1: 'USERCRED1', userCred2: 'USERCRED2', authToken: 'authentication token', answerAggregate: 'answer aggregate', appId: 'APPID', appVer: 'APPVER', org: 'ORG', fid: 'FID', url: 'URL' };
      process.stdout.write(`changed ${name}: ${result.changed.map((f) => labels[f] ?? f).join(', ')}\n`);
      if (result.holdLifted) process.stdout.write(`  lifted the hold (held since ${result.holdLifted.since}: ${describeHold(result.holdLifted).why}); unattended syncs may sign on again\n`);
      if (result.keyDropped) process.stdout.write('  dropped the access key (it was issued to the old bank or user); the next sync is challenged again\n');
    });

  bank
    .command('list')
    .description('list your bank connections (no secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const rows = await withSession(command, async (session) => listBanks(session, session.member.id));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no bank connections yet; add one with: ofx-mfa bank add NAME --url ... --org ... --fid ... --user ...\n');
        return;
      }
      for (const r of rows) {
        process.stdout.write(`${listLine(r)}\n`);
        if (r.hold) process.stdout.write(`  ${holdLine(r.name, r.hold)}\n`);
      }
    });

  bank
    .command('check')
    .description("ask a bank's server for its profile (no password): does it answer, and what will it ask?")
    .argument('[bank]', 'a directory nickname, one of your connections, or an institution name')
    .option('--url <url>', 'the OFX server URL (instead of, or over, the directory)')
    .option('--org <org>', 'FI ORG')
    .option('--fid <fid>', 'FI FID')
    .option('--ofx-version <v>', `OFX version (${OFX_VERSIONS.join(', ')})`)
    .option('--quirk <q>', 'a server quirk: NAME, NAME=VALUE or -NAME (repeatable)', collectQuirk, [])
    .option('--no-versions', "ask in the connection's version only, not in every version ofx-mfa speaks")
    .option('--json', 'print JSON')
    .action(async (text: string | undefined, options, command: Command) => (await import('./banks.ts')).runBankCheck(text, options, command));

  bank
    .command('remove')
    .description('delete a connection with its key, accounts and stored transactions')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      await withServiceErrors(() => withSession(command, async (session) => removeBank(session, session.member.id, name)));
      process.stdout.write(`removed ${name}\n`);
    });

  bank
    .command('forget-key')
    .description('drop the stored access key; the next sync will be challenged again')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const dropped = await withServiceErrors(() => withSession(command, async (session) => forgetBankKey(session, session.member.id, name)));
      process.stdout.write(dropped ? `forgot the access key of ${name}\n` : `${name} had no access key\n`);
    });

  bank
    .command('clear-hold')
    .description('let unattended syncs sign on again after the bank rejected the answers or the credentials')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const lifted = await withServiceErrors(() => withSession(command, async (session) => clearBankHold(session, session.member.id, name)));
      process.stdout.write(
        lifted
          ? `cleared the hold on ${name} (held since ${lifted.since}: ${describeHold(lifted).why}); unattended syncs may sign on again\n`
          : `${name} had no hold\n`,
      );
    });
}
