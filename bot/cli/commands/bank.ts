/** `ofx-mfa bank add|list|remove|forget-key`: the member's bank connections. */
import type { Command } from 'commander';
import type { AccountRef } from '../../../core/ofx/types.ts';
import {
  ConnectionExistsError,
  createConnection,
  forgetKey,
  getConnection,
  listAccounts,
  listConnections,
  liveKeyInfo,
  removeConnection,
  toConnectionConfig,
  updateProfileFlags,
  upsertAccounts,
} from '../../../db/index.ts';
import { postOfx } from '../../../core/http/transport.ts';
import { checkOfxUrl } from '../../../core/http/url.ts';
import { fetchProfile } from '../../../core/sync/profile.ts';
import type { ProfileFlags } from '../../../core/sync/types.ts';
import { CliError, EXIT } from '../errors.ts';
import { readPassword, readUserCred } from '../secrets-input.ts';
import { withSession } from '../session.ts';
import { collectQuirk, runBankCheck } from './banks.ts';
import { findBank } from '../../../core/directory/index.ts';
import { formatQuirks, requestQuirks, type QuirkChange } from '../../../core/ofx/quirks.ts';
import { serverFields, type ServerFields } from '../../directory-service.ts';

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

const PROFILE_TIMEOUT_MS = 15_000;
const VERSIONS = ['102', '103', '200', '203', '211', '220'];
const BANK_TYPES = ['CHECKING', 'SAVINGS', 'MONEYMRKT', 'CREDITLINE'];
const ACCOUNT_TYPES = [...BANK_TYPES, 'CREDITCARD', 'INVESTMENT'];

/** TYPE:ACCTID[:BANKID] — BANKID is the routing number, or the broker ID for INVESTMENT. */
export function parseAccountOption(value: string): AccountRef {
  const [rawType = '', accountId = '', extra = ''] = value.split(':');
  const type = rawType.toUpperCase();
  if (!ACCOUNT_TYPES.includes(type) || !accountId) {
    throw new CliError(`--account ${value}: expected TYPE:ACCTID[:BANKID] with TYPE one of ${ACCOUNT_TYPES.join(', ')}`, EXIT.usage);
  }
  if (type === 'CREDITCARD') return { kind: 'creditcard', accountId, accountType: null, bankId: null, brokerId: null };
  if (type === 'INVESTMENT') {
    if (!extra) throw new CliError(`--account ${value}: INVESTMENT needs the broker ID: INVESTMENT:ACCTID:BROKERID`, EXIT.usage);
    return { kind: 'investment', accountId, accountType: null, bankId: null, brokerId: extra };
  }
  if (!extra) throw new CliError(`--account ${value}: ${type} needs the bank's routing number: ${type}:ACCTID:BANKID`, EXIT.usage);
  return { kind: 'bank', accountId, accountType: type, bankId: extra, brokerId: null };
}

/** The transport's own URL rule (https, plain http only to this machine), checked before anything is stored. */
function checkBankUrl(value: string): string {
  try {
    return checkOfxUrl(value).toString();
  } catch (error) {
    throw new CliError(`--url: ${error instanceof Error ? error.message : 'not a valid URL'}`, EXIT.usage);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface AddOptions {
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
  passwordStdin?: boolean;
  answerAggregate: string;
  userCred1?: boolean;
  userCred2?: boolean;
  profile: boolean;
}

/** What the bank's profile means for this connection, in a line or two for the person adding it. */
export function describeProfile(flags: ProfileFlags, has: { userCred1: boolean; userCred2: boolean }): string[] {
  const lines = [
    flags.mfaChallengeSupported
      ? 'the bank uses security challenges: the first sync asks you its questions once, then a stored access key signs on'
      : 'the bank does not advertise security challenges',
  ];
  if (flags.clientUidRequired) lines.push('the bank identifies this client by its CLIENTUID; if the first sync says 15510, approve the client on the bank website');
  if (flags.userCred1Label && !has.userCred1) lines.push(`the bank also asks for USERCRED1 "${flags.userCred1Label}": add the connection again with --user-cred1`);
  if (flags.userCred2Label && !has.userCred2) lines.push(`the bank also asks for USERCRED2 "${flags.userCred2Label}": add the connection again with --user-cred2`);
  if (flags.authTokenFirst) lines.push(`the bank wants an authentication token${flags.authTokenLabel ? ` ("${flags.authTokenLabel}")` : ''} on the first sign-on`);
  return lines;
}

export function register(program: Command): void {
  const bank = program.command('bank').description('manage your bank connections');

  bank
    .command('add')
    .description('store a bank connection (the password is encrypted; never pass it as an argument)')
    .argument('<name>', 'a short name for this connection')
    .option('--bank <nick>', 'fill URL, ORG, FID, version, broker ID and quirks from the bank directory (see: ofx-mfa banks)')
    .option('--url <url>', "the bank's OFX server URL (required without --bank)")
    .option('--org <org>', 'FI ORG (required without --bank)')
    .option('--fid <fid>', 'FI FID (required without --bank)')
    .requiredOption('--user <id>', 'your user ID at the bank')
    .option('--quirk <q>', 'a server quirk: NAME, NAME=VALUE or -NAME to drop one the directory set (repeatable)', collectQuirk, [])
    .option('--ofx-version <v>', `OFX version (${VERSIONS.join(', ')})`, '103')
    .option('--app-id <id>', 'APPID to announce', 'QWIN')
    .option('--app-ver <ver>', 'APPVER to announce', '2700')
    .option('--account <TYPE:ACCTID[:BANKID]>', 'an account to sync (repeatable); without it the first sync discovers them', collect, [])
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--answer-aggregate <name>', 'MFACHALLENGEA (default) or MFACHALLENGEANSWER, as the bank expects', 'MFACHALLENGEA')
    .option('--user-cred1', 'ask for USERCRED1 (or set OFX_MFA_USERCRED1)')
    .option('--user-cred2', 'ask for USERCRED2 (or set OFX_MFA_USERCRED2)')
    .option('--no-profile', "store the connection without asking the bank for its profile now")
    .action(async (name: string, options: AddOptions, command: Command) => {
      const server = directoryFieldsForAdd(options, command);
      if (!VERSIONS.includes(server.version)) {
        throw new CliError(`--ofx-version ${server.version}: expected one of ${VERSIONS.join(', ')}`, EXIT.usage);
      }
      if (options.answerAggregate !== 'MFACHALLENGEA' && options.answerAggregate !== 'MFACHALLENGEANSWER') {
        throw new CliError('--answer-aggregate: expected MFACHALLENGEA or MFACHALLENGEANSWER', EXIT.usage);
      }
      const url = checkBankUrl(server.url);
      const accounts = options.account.map(parseAccountOption);
      const password = await readPassword(options);
      const userCred1 = await readUserCred(1, options.userCred1 === true);
      const userCred2 = await readUserCred(2, options.userCred2 === true);
      const notes = await withSession(command, async ({ db, box, member }) => {
        let row;
        try {
          row = createConnection(db, box, {
            memberId: member.id,
            name,
            url,
            org: server.org,
            fid: server.fid,
            version: server.version,
            appId: server.appId,
            appVer: server.appVer,
            brokerId: server.brokerId,
            directoryNick: server.directoryNick,
            quirks: server.quirks,
            userId: options.user,
            password,
            userCred1,
            userCred2,
            answerAggregate: options.answerAggregate as 'MFACHALLENGEA' | 'MFACHALLENGEANSWER',
          });
          if (accounts.length > 0) upsertAccounts(db, row.id, accounts);
        } catch (error) {
          if (error instanceof ConnectionExistsError) throw new CliError(error.message, EXIT.usage);
          throw error;
        }
        if (!options.profile) return [];
        // The profile needs no password (anonymous sign-on); a bank out of reach only postpones it to the first sync.
        try {
          const userAgent = requestQuirks(row.quirks).userAgent ?? undefined;
          const flags = await fetchProfile(toConnectionConfig(box, row), (body) => postOfx(url, body, { timeoutMs: PROFILE_TIMEOUT_MS, userAgent }));
          if (!flags) return ['the bank did not share its profile; the first sync will ask again'];
          updateProfileFlags(db, row.id, flags);
          return describeProfile(flags, { userCred1: userCred1 !== null, userCred2: userCred2 !== null });
        } catch (error) {
          return [`could not read the bank's profile now (${error instanceof Error ? error.message : 'unknown error'}); the first sync will`];
        }
      });
      const what = accounts.length > 0 ? `${accounts.length} account${accounts.length === 1 ? '' : 's'}` : 'accounts discovered on the first sync';
      process.stdout.write(`added ${name} (${what}); run: ofx-mfa sync ${name}\n`);
      for (const note of notes) process.stdout.write(`  ${note}\n`);
    });

  bank
    .command('list')
    .description('list your bank connections (no secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const rows = await withSession(command, async ({ db, member }) =>
        listConnections(db, member.id).map((c) => {
          const key = liveKeyInfo(db, c.id);
          return {
            name: c.name,
            url: c.url,
            org: c.org,
            fid: c.fid,
            version: c.version,
            accounts: listAccounts(db, c.id).map((a) => ({
              kind: a.kind,
              accountId: a.accountId,
              accountType: a.accountType,
              ledgerBalance: a.ledgerBalance,
              currency: a.currency,
            })),
            lastSyncedAt: c.lastSyncedAt,
            accessKey: key ? { receivedAt: key.receivedAt, lastUsedAt: key.lastUsedAt } : null,
            mfaChallengeSupported: c.mfaChallengeSupported,
            directoryNick: c.directoryNick,
            quirks: c.quirks,
          };
        }),
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no bank connections yet; add one with: ofx-mfa bank add NAME --url ... --org ... --fid ... --user ...\n');
        return;
      }
      for (const r of rows) {
        const key = r.accessKey ? `access key from ${r.accessKey.receivedAt}` : 'no access key';
        process.stdout.write(
          `${r.name}  ${r.url}  ORG ${r.org ?? '-'} FID ${r.fid ?? '-'}  OFX ${r.version}  ` +
            `${r.accounts.length} account${r.accounts.length === 1 ? '' : 's'}  last sync ${r.lastSyncedAt ?? 'never'}  ${key}` +
            (Object.keys(r.quirks).length > 0 ? `  quirks: ${formatQuirks(r.quirks)}` : '') +
            '\n',
        );
      }
    });

  bank
    .command('check')
    .description("ask a bank's server for its profile (no password): does it answer, and what will it ask?")
    .argument('[bank]', 'a directory nickname, one of your connections, or an institution name')
    .option('--url <url>', 'the OFX server URL (instead of, or over, the directory)')
    .option('--org <org>', 'FI ORG')
    .option('--fid <fid>', 'FI FID')
    .option('--ofx-version <v>', `OFX version (${VERSIONS.join(', ')})`)
    .option('--quirk <q>', 'a server quirk: NAME, NAME=VALUE or -NAME (repeatable)', collectQuirk, [])
    .option('--no-versions', 'ask in the connection\'s version only, not in every version ofx-mfa speaks')
    .option('--json', 'print JSON')
    .action(runBankCheck);

  bank
    .command('remove')
    .description('delete a connection with its key, accounts and stored transactions')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const removed = await withSession(command, async ({ db, member }) => removeConnection(db, member.id, name));
      if (!removed) throw new CliError(`no bank connection named "${name}"`, EXIT.usage);
      process.stdout.write(`removed ${name}\n`);
    });

  bank
    .command('forget-key')
    .description('drop the stored access key; the next sync will be challenged again')
    .argument('<name>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const dropped = await withSession(command, async ({ db, member }) => {
        const row = getConnection(db, member.id, name);
        if (!row) throw new CliError(`no bank connection named "${name}"`, EXIT.usage);
        return forgetKey(db, row.id);
      });
      process.stdout.write(dropped ? `forgot the access key of ${name}\n` : `${name} had no access key\n`);
    });
}
