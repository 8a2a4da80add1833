/**
 * Ranked search over the directory's names and nicknames, for `ofx-mfa banks` and Discord autocomplete (which
 * shows at most 25 choices and must answer within 3 s, so a search is a scan of precomputed tokens, no I/O).
 *
 * Both sides are folded the same way: accents and case dropped, `&` read as "and", punctuation a space, and
 * "credit union" / "federal credit union" written cu / fcu, so "Truliant Federal Credit Union", "truliant fcu" and
 * "truliant cu" meet. Every word of the query must be the start of a word of the name or the nickname.
 */
import type { DirectoryEntry } from './types.ts';

export const SEARCH_LIMIT = 25;

/** Folded words: lower-case ASCII letters and digits. */
export function searchWords(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const words = folded === '' ? [] : folded.split(' ');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const [a, b, c] = [words[i], words[i + 1], words[i + 2]];
    if (a === 'federal' && b === 'credit' && c === 'union') {
      out.push('fcu');
      i += 2;
    } else if (a === 'federal' && b === 'cu') {
      out.push('fcu');
      i += 1;
    } else if (a === 'credit' && b === 'union') {
      out.push('cu');
      i += 1;
    } else {
      out.push(a as string);
    }
  }
  return out;
}

/** What a folded word of a name also answers to: a federal credit union is a credit union, and is "federal". */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  fcu: ['fcu', 'cu', 'federal', 'credit', 'union'],
  cu: ['cu', 'credit', 'union'],
};

interface Indexed {
  entry: DirectoryEntry;
  nick: string;
  nickCompact: string;
  nameWords: string[];
  /** nameWords[i] and its aliases. */
  nameForms: string[][];
  nickWords: string[];
  nameCompact: string;
}

export interface SearchIndex {
  items: readonly Indexed[];
  byNick: ReadonlyMap<string, DirectoryEntry>;
}

export function buildIndex(entries: readonly DirectoryEntry[]): SearchIndex {
  const items = entries.map((entry) => {
    const nameWords = searchWords(entry.name);
    const nickWords = searchWords(entry.nick);
    return {
      entry,
      nick: entry.nick.toLowerCase(),
      nickCompact: nickWords.join(''),
      nameWords,
      nameForms: nameWords.map((w) => [...(ALIASES[w] ?? [w])]),
      nickWords,
      nameCompact: nameWords.join(''),
    };
  });
  return { items, byNick: new Map(items.map((i) => [i.nick, i.entry])) };
}

/**
 * Each query word matched to a different word of `forms`, first fit in order; returns how well, or -1.
 * Points: a word matched whole counts more than a prefix; the query starting at the name's first word, and the
 * words in the name's order, count more again.
 */
function matchWords(query: readonly string[], forms: readonly (readonly string[])[]): number {
  // A word with aliases may take several query words, one per alias: "fed cu" both land on "fcu".
  const taken = forms.map((f) => new Array<boolean>(f.length).fill(false));
  let score = 0;
  let last = -1;
  let inOrder = true;
  for (const [qi, q] of query.entries()) {
    let found = -1;
    let foundAlias = -1;
    let whole = false;
    // Prefer a whole-word match anywhere over a prefix match; then the earliest word.
    for (let i = 0; i < forms.length && !whole; i++) {
      const group = forms[i] as readonly string[];
      const used = taken[i] as boolean[];
      if (used[0] && group.length === 1) continue;
      for (const [k, f] of group.entries()) {
        if (used[k]) continue;
        if (f === q) {
          found = i;
          foundAlias = k;
          whole = true;
          break;
        }
        if (found === -1 && f.startsWith(q)) {
          found = i;
          foundAlias = k;
        }
      }
    }
    if (found === -1) return -1;
    (taken[found] as boolean[])[foundAlias] = true;
    // A word met through an alias ("cu" in "fcu") counts a little less than the word itself.
    score += whole ? (foundAlias > 0 ? 8 : 10) : 4;
    if (qi === 0 && found === 0) score += 30;
    if (found < last) inOrder = false;
    last = found;
  }
  if (inOrder) score += 15;
  // Fewer words left over: "Fidelity Investments" before "Fidelity Bank and Trust" for "fidelity"; "Inc." and
  // "& Co." say nothing about which server is meant.
  score -= forms.filter((f, i) => !(taken[i] as boolean[]).some(Boolean) && !NOISE.has(f[0] as string)).length;
  return score;
}

const NOISE = new Set(['the', 'and', 'of', 'inc', 'co', 'corp', 'na', 'n', 'a', 'llc', 'ltd']);

/**
 * fi.cfg's convention: an institution's main server has its short name as the nickname ("merrill"), others add a
 * suffix ("merrill-pay", "schwab-alt"); a query that names the whole nickname leans to the main server.
 */
function nickBonus(item: Indexed, words: readonly string[]): number {
  const covered = item.nickWords.every((n) => words.includes(n));
  return (covered ? 12 : 0) - (item.nickWords.at(-1) === 'alt' ? 3 : 0);
}

function scoreOf(item: Indexed, raw: string, words: readonly string[], compact: string): number {
  if (item.nick === raw || (compact !== '' && item.nickCompact === compact)) return 1000;
  if (words.length > 0 && words.length === item.nameWords.length && words.every((w, i) => item.nameWords[i] === w)) return 900;
  const byName = matchWords(words, item.nameForms);
  if (byName >= 0) return 500 + byName + nickBonus(item, words);
  const byNick = matchWords(words, item.nickWords.map((w) => [w]));
  if (byNick >= 0) return 400 + byNick;
  // "etrade" for E*TRADE, "bankofamerica": the query without spaces as the start of the name without spaces.
  if (compact.length >= 3 && (item.nameCompact.startsWith(compact) || item.nickCompact.startsWith(compact))) return 300;
  // Words spread over name and nickname ("chase credit card" → nick chase, name "(credit card)").
  const both = matchWords(words, [...item.nameForms, ...item.nickWords.map((w) => [w])]);
  return both >= 0 ? 200 + both : -1;
}

/** The best matches first, at most `limit` (default 25); an empty query matches nothing. */
export function searchIndex(index: SearchIndex, query: string, limit: number = SEARCH_LIMIT): DirectoryEntry[] {
  const raw = query.trim().toLowerCase();
  const words = searchWords(query);
  const compact = words.join('');
  if (words.length === 0 || limit <= 0) return [];
  const scored: Array<{ item: Indexed; score: number }> = [];
  for (const item of index.items) {
    const score = scoreOf(item, raw, words, compact);
    if (score >= 0) scored.push({ item, score });
  }
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      a.item.nameWords.length - b.item.nameWords.length ||
      a.item.nick.length - b.item.nick.length ||
      (a.item.nick < b.item.nick ? -1 : a.item.nick > b.item.nick ? 1 : 0),
  );
  return scored.slice(0, limit).map((s) => s.item.entry);
}
