/**
 * The bank directory turned into a connection's server fields: a nickname (or an institution's name) resolved,
 * the version ofx-mfa will speak to it, and the person's explicit options laid over the directory's values.
 * Kept light (no HTTP client, no XML library) so `bank add` and Discord autocomplete load it cheaply.
 */
import { bankDirectory, type BankDirectory, type DirectoryEntry } from '../core/directory/index.ts';
import { searchWords } from '../core/directory/search.ts';
import { OfxError } from '../core/errors.ts';
import { applyQuirkChanges, type QuirkChange } from '../core/ofx/quirks.ts';
import { OFX_VERSIONS } from './validate.ts';

type OfxVersion = (typeof OFX_VERSIONS)[number];

const DEFAULT_APP_ID = 'QWIN';
const DEFAULT_APP_VER = '2700';
/** What ofx-mfa sends when nothing says otherwise (DESIGN 4.1). */
export const DEFAULT_VERSION: OfxVersion = '103';
/** ofxget's default, for the few fi.cfg servers whose version was never recorded. */
const UNRECORDED_VERSION: OfxVersion = '203';

/** Nothing in the directory by that nickname or name; `suggestions` are the best name matches. */
export class UnknownBankError extends OfxError {
  override name = 'UnknownBankError';
  constructor(
    readonly query: string,
    readonly suggestions: readonly DirectoryEntry[],
  ) {
    super(
      suggestions.length > 0
        ? `"${query}" matches more than one bank in the directory: ${suggestions
            .slice(0, 5)
            .map((e) => `${e.nick} (${e.name})`)
            .join(', ')}${suggestions.length > 5 ? ', ...' : ''}; use the nickname (ofx-mfa banks ${query})`
        : `no bank "${query}" in the directory; search it with: ofx-mfa banks WORDS`,
    );
  }
}

/**
 * The version ofx-mfa speaks to a server that speaks `server`: the newest one of ours of the same family that is
 * not newer than the server's (a 1.6 server gets 1.0.3, a 2.0.2 one 2.0.0); 1.0.3 and 2.0.3 are where
 * multi-factor sign-on begins.
 */
export function requestVersionFor(server: string | null): OfxVersion {
  if (server === null) return UNRECORDED_VERSION;
  if ((OFX_VERSIONS as readonly string[]).includes(server)) return server as OfxVersion;
  const family = OFX_VERSIONS.filter((v) => v[0] === server[0] && Number(v) <= Number(server));
  return family.at(-1) ?? DEFAULT_VERSION;
}

/** A nickname, else an institution's name that names one server (exactly, or as the only match). */
export function resolveBank(text: string, directory: BankDirectory = bankDirectory()): DirectoryEntry {
  const byNick = directory.get(text);
  if (byNick) return byNick;
  const matches = directory.search(text);
  const words = searchWords(text).join(' ');
  const exact = matches.filter((e) => searchWords(e.name).join(' ') === words);
  if (exact.length === 1) return exact[0] as DirectoryEntry;
  if (matches.length === 1) return matches[0] as DirectoryEntry;
  throw new UnknownBankError(text, matches);
}

/** Fields a person gave explicitly; each one wins over the directory's. */
export interface ExplicitServerFields {
  url?: string;
  org?: string;
  fid?: string;
  version?: string;
  appId?: string;
  appVer?: string;
  brokerId?: string;
  /** Applied on top of the directory's quirks (`-name` clears one). */
  quirks?: readonly QuirkChange[];
}

/** What a connection needs to know about its server; the shape of bank-service's NewBankInput server part. */
export interface ServerFields {
  url: string;
  org: string | null;
  fid: string | null;
  version: string;
  appId: string;
  appVer: string;
  brokerId: string | null;
  directoryNick: string | null;
  quirks: Record<string, string>;
}

/** The server fields from a directory entry (or none), with the explicit ones laid over them. */
export function serverFields(entry: DirectoryEntry | null, explicit: ExplicitServerFields = {}): ServerFields {
  const url = explicit.url ?? entry?.url;
  if (!url) throw new OfxError('no OFX URL: give --url, or --bank NICK from the directory (ofx-mfa banks WORDS)');
  return {
    url,
    org: explicit.org ?? entry?.org ?? null,
    fid: explicit.fid ?? entry?.fid ?? null,
    version: explicit.version ?? (entry ? requestVersionFor(entry.version) : DEFAULT_VERSION),
    appId: explicit.appId ?? entry?.appId ?? DEFAULT_APP_ID,
    appVer: explicit.appVer ?? entry?.appVer ?? DEFAULT_APP_VER,
    brokerId: explicit.brokerId ?? entry?.brokerId ?? null,
    directoryNick: entry?.nick ?? null,
    quirks: applyQuirkChanges(entry?.quirks ?? {}, explicit.quirks ?? []),
  };
}

