/**
 * The bank directory: 556 OFX servers from ofxtools' fi.cfg (core/directory/banks.json, built by
 * `npm run directory:build`), looked up by nickname or searched by name. The file is read once, on first use.
 */
import { readFileSync } from 'node:fs';
import { buildIndex, searchIndex, SEARCH_LIMIT, type SearchIndex } from './search.ts';
import type { DirectoryEntry, DirectoryFile, DirectorySource } from './types.ts';

export type { DirectoryEntry, DirectorySource } from './types.ts';
export { SEARCH_LIMIT, searchWords } from './search.ts';

export class BankDirectory {
  private readonly index: SearchIndex;

  constructor(
    readonly entries: readonly DirectoryEntry[],
    readonly source: DirectorySource | null = null,
  ) {
    this.index = buildIndex(entries);
  }

  /** By nickname, case-insensitively ("vanguard", "USAA-invest"); null when there is none. */
  get(nick: string): DirectoryEntry | null {
    return this.index.byNick.get(nick.trim().toLowerCase()) ?? null;
  }

  /** Ranked by how well names and nicknames match; at most `limit` (default 25, Discord's autocomplete limit). */
  search(query: string, limit: number = SEARCH_LIMIT): DirectoryEntry[] {
    return searchIndex(this.index, query, limit);
  }
}

let loaded: BankDirectory | null = null;

/** The shipped directory (core/directory/banks.json). */
export function bankDirectory(): BankDirectory {
  if (!loaded) {
    const file = JSON.parse(readFileSync(new URL('./banks.json', import.meta.url), 'utf8')) as DirectoryFile;
    loaded = new BankDirectory(file.banks, file.source);
  }
  return loaded;
}

/** The shipped directory's entry for a nickname, or null. */
export function findBank(nick: string): DirectoryEntry | null {
  return bankDirectory().get(nick);
}

/** The shipped directory searched: best first, at most `limit` (default 25). */
export function searchBanks(query: string, limit: number = SEARCH_LIMIT): DirectoryEntry[] {
  return bankDirectory().search(query, limit);
}

/** The host of an entry's URL, for one-line listings. */
export function hostOf(entry: Pick<DirectoryEntry, 'url'>): string {
  return new URL(entry.url).host;
}

/** "Vanguard Group, The (vanguard, OFX 220)": a choice label for autocomplete, at most `max` characters. */
export function bankLabel(entry: DirectoryEntry, max = 100): string {
  const tail = ` (${entry.nick}${entry.version ? `, OFX ${entry.version}` : ''})`;
  const name = entry.name.length + tail.length > max ? `${entry.name.slice(0, Math.max(0, max - tail.length - 1))}…` : entry.name;
  return `${name}${tail}`.slice(0, max);
}
