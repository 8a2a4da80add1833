/**
 * `ofx-mfa banks [SEARCH] [--json]`: the bank directory, searched; and the action of `ofx-mfa bank check`, which
 * asks a server for its profile before (or after) a connection to it is stored.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { bankDirectory, hostOf, searchBanks, type DirectoryEntry } from '../../../core/directory/index.ts';
import { applyQuirkChanges, formatQuirks, type QuirkChange } from '../../../core/ofx/quirks.ts';
import { getConnection } from '../../../db/index.ts';
import { resolveDbPath } from '../../context.ts';
import { requestVersionFor, resolveBank, serverFields, UnknownBankError, type ExplicitServerFields } from '../../directory-fields.ts';
import type { CheckTarget } from '../../directory-service.ts';
import { CliError, EXIT } from '../errors.ts';
import { withSession } from '../session.ts';

import { OFX_VERSIONS as VERSIONS } from '../../validate.ts';

function row(e: DirectoryEntry) {
  return {
    nick: e.nick,
    name: e.name,
    version: e.version,
    host: hostOf(e),
    url: e.url,
    org: e.org,
    fid: e.fid,
    brokerId: e.brokerId,
    quirks: e.quirks,
    /** What `bank add --bank` stores as the connection's version. */
    requestVersion: requestVersionFor(e.version),
  };
}

export function register(program: Command): void {
  program
    .command('banks')
    .description('search the bank directory (556 OFX servers): nickname, name, OFX version, server')
    .argument('[search...]', 'words of the name or nickname; without them, every server')
    .option('--json', 'print JSON')
    .action((search: string[], options: { json?: boolean }) => {
      const query = search.join(' ').trim();
      const entries = query === '' ? [...bankDirectory().entries] : searchBanks(query);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(entries.map(row), null, 2)}\n`);
        return;
      }
      if (entries.length === 0) {
        process.stdout.write(`no bank in the directory matches "${query}"; try fewer or shorter words\n`);
        return;
      }
      const width = Math.max(...entries.map((e) => e.nick.length));
      for (const e of entries) process.stdout.write(`${e.nick.padEnd(width)}  ${e.name}  ${e.version ?? '-'}  ${hostOf(e)}\n`);
    });
}

export interface CheckOptions {
  url?: string;
  org?: string;
  fid?: string;
  ofxVersion?: string;
  quirk?: QuirkChange[];
  json?: boolean;
  versions: boolean;
}

/** NICK (directory), NAME (one of yours, else an institution's name), or --url: what to ask. */
async function targetOf(text: string | undefined, options: CheckOptions, command: Command): Promise<{ label: string; target: CheckTarget }> {
  const explicit: ExplicitServerFields = {
    url: options.url,
    org: options.org,
    fid: options.fid,
    version: options.ofxVersion,
    quirks: options.quirk ?? [],
  };
  if (text === undefined) {
    if (!options.url) throw new CliError('bank check needs a nickname, a connection name or --url', EXIT.usage);
    return { label: options.url, target: serverFields(null, explicit) };
  }
  const entry = bankDirectory().get(text);
  if (entry) return { label: `${entry.nick} (${entry.name})`, target: serverFields(entry, explicit) };
  // One of the member's own connections; the database is not created just to look.
  const { db: dbFlag } = command.optsWithGlobals<{ db?: string }>();
  if (existsSync(resolveDbPath(dbFlag))) {
    const stored = await withSession(command, async ({ db, member }) => getConnection(db, member.id, text));
    if (stored) {
      return {
        label: `${stored.name} (your connection)`,
        target: {
          url: options.url ?? stored.url,
          org: options.org ?? stored.org,
          fid: options.fid ?? stored.fid,
          version: options.ofxVersion ?? stored.version,
          appId: stored.appId,
          appVer: stored.appVer,
          quirks: applyQuirkChanges(stored.quirks, options.quirk ?? []),
        },
      };
    }
  }
  try {
    const found = resolveBank(text);
    return { label: `${found.nick} (${found.name})`, target: serverFields(found, explicit) };
  } catch (error) {
    if (error instanceof UnknownBankError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

export async function runBankCheck(text: string | undefined, options: CheckOptions, command: Command): Promise<void> {
  if (options.ofxVersion !== undefined && !(VERSIONS as readonly string[]).includes(options.ofxVersion)) {
    throw new CliError(`--ofx-version ${options.ofxVersion}: expected one of ${VERSIONS.join(', ')}`, EXIT.usage);
  }
  const { label, target } = await targetOf(text, options, command);
  // The HTTP client and the request builder are loaded only when a server is asked.
  const { BankCheckError, checkBank, describeCheck } = await import('../../directory-service.ts');
  let report;
  try {
    report = await checkBank(target, { probeVersions: options.versions });
  } catch (error) {
    if (error instanceof BankCheckError) throw new CliError(error.message, EXIT.failure);
    throw error;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ target: label, ...report }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${label}\n`);
  for (const line of describeCheck(report)) process.stdout.write(`  ${line}\n`);
  const quirks = formatQuirks(report.quirks);
  if (quirks) process.stdout.write(`  quirks applied: ${quirks}\n`);
}
