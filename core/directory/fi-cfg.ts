/**
 * fi.cfg (ofxtools' list of OFX servers, a Python configparser file) → the entries of our bank directory.
 * Pure: text in, entries and problems out; scripts/build-directory.ts does the reading and writing.
 *
 * The `ini` package reads the file, but it is not configparser: it turns `true`/`false` into booleans, cuts values
 * at ` ;` / ` #`, unquotes "quoted" values, nests dotted section names, merges duplicate sections and ignores
 * indented continuation lines. The booleans are turned back into words; every other construct is found by a scan
 * of the raw lines first and reported, so nothing ini would misread is shipped.
 */
import { createHash } from 'node:crypto';
import ini from 'ini';
import { checkQuirk, KNOWN_QUIRKS } from '../ofx/quirks.ts';
import type { DirectoryEntry, DirectorySource } from './types.ts';

/** Every version fi.cfg uses or the OFX specs define; the request version is chosen from it later. */
export const SERVER_VERSIONS = ['102', '103', '151', '160', '200', '201', '202', '203', '210', '211', '220'];

/** Keys that describe the connection itself rather than a quirk. */
const CONNECTION_KEYS = new Set(['ofxhome', 'url', 'version', 'org', 'fid', 'brokerid', 'appid', 'appver']);

export interface DirectoryProblem {
  /** Section (nickname), or null for the file as a whole. */
  nick: string | null;
  line: number | null;
  message: string;
}

export interface FiCfgResult {
  entries: DirectoryEntry[];
  /** Entries not shipped, and why. */
  problems: DirectoryProblem[];
  /** Kept, but worth a look (e.g. a quirk ofx-mfa does not act on is unknown to it). */
  warnings: DirectoryProblem[];
  sections: number;
  /** Sections left out because they have no URL (OFX Home ids of servers long gone or never published). */
  withoutUrl: number;
}

interface RawScan {
  /** Sections whose lines ini would read differently from configparser: the first such line. */
  bad: Map<string, DirectoryProblem>;
  /** [NAMES] ids whose line ini would misread. */
  badNames: Map<string, DirectoryProblem>;
  fileProblems: DirectoryProblem[];
  lineOf: Map<string, number>;
}

/** Finds what `ini` would misread, line by line, before it reads anything. */
function scanRaw(text: string): RawScan {
  const bad = new Map<string, DirectoryProblem>();
  const badNames = new Map<string, DirectoryProblem>();
  const fileProblems: DirectoryProblem[] = [];
  const lineOf = new Map<string, number>();
  const seenKeys = new Set<string>();
  let section: string | null = null;
  const flag = (line: number, message: string, key: string | null = null) => {
    if (section === null) fileProblems.push({ nick: null, line, message });
    else if (section === 'NAMES' && key !== null) badNames.set(key, { nick: null, line, message: `[NAMES] ${message}` });
    else if (section === 'NAMES') fileProblems.push({ nick: null, line, message: `[NAMES] ${message}` });
    else if (!bad.has(section)) bad.set(section, { nick: section, line, message });
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([#;]|$)/.test(raw)) return;
    const header = /^\[(.*)\]\s*$/.exec(raw);
    if (header) {
      section = header[1] as string;
      seenKeys.clear();
      if (lineOf.has(section)) {
        const first = lineOf.get(section) as number;
        const problem = { nick: section, line, message: `section [${section}] appears twice (lines ${first} and ${line})` };
        if (section === 'NAMES') fileProblems.push({ ...problem, nick: null });
        else bad.set(section, problem);
      } else {
        lineOf.set(section, line);
      }
      if (section.includes('.')) flag(line, `section name [${section}] has a dot, which the ini reader nests`);
      return;
    }
    if (/^\s/.test(raw)) return flag(line, `line ${line} is an indented continuation line`);
    const eq = raw.search(/[=:]/);
    if (eq === -1) return flag(line, `line ${line} is neither a section, a key = value nor a comment`);
    const key = raw.slice(0, eq).trim().toLowerCase();
    const value = raw.slice(eq + 1).trim();
    if (seenKeys.has(key)) flag(line, `key ${key} appears twice`, key);
    seenKeys.add(key);
    if (raw[eq] === ':') flag(line, `line ${line} uses ":" where the ini reader expects "="`, key);
    // configparser keeps ; and # inside values; ini cuts the value there.
    if (/[;#]/.test(value)) flag(line, `the value of ${key} holds a comment marker (; or #) the ini reader would cut at`, key);
    if (/^(["']).*\1$/.test(value) && value.length > 1) flag(line, `the value of ${key} is quoted, and the ini reader would drop the quotes`, key);
    if (/\[\]$/.test(key)) flag(line, `key ${key} ends in [], which the ini reader turns into a list`, key);
  });
  return { bad, badNames, fileProblems, lineOf };
}

/** ini's value back to the text configparser would have given. */
function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value.trim();
  return null;
}

const orNull = (value: string | null): string | null => (value === null || value === '' ? null : value);

export function entriesFromFiCfg(text: string): FiCfgResult {
  const scan = scanRaw(text);
  const parsed = ini.parse(text) as Record<string, unknown>;
  const problems: DirectoryProblem[] = [...scan.fileProblems];
  const warnings: DirectoryProblem[] = [];
  const names = parsed.NAMES;
  if (!names || typeof names !== 'object') {
    return { entries: [], problems: [...problems, { nick: null, line: null, message: 'no [NAMES] section' }], warnings, sections: 0, withoutUrl: 0 };
  }
  const nameOf = new Map(Object.entries(names as Record<string, unknown>).map(([id, n]) => [id.trim(), textOf(n) ?? '']));

  const entries: DirectoryEntry[] = [];
  const nicks = new Map<string, string>();
  let sections = 0;
  let withoutUrl = 0;
  for (const [nick, body] of Object.entries(parsed)) {
    if (nick === 'NAMES') continue;
    sections += 1;
    const line = scan.lineOf.get(nick) ?? null;
    const report = (message: string) => problems.push({ nick, line, message });
    if (!body || typeof body !== 'object') {
      report(`[${nick}] is not a section`);
      continue;
    }
    const fields = new Map<string, string>();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      const t = textOf(value);
      if (t === null) {
        report(`key ${key} has a value the reader could not take as text`);
        continue;
      }
      fields.set(key.toLowerCase(), t);
    }
    const url = orNull(fields.get('url') ?? null);
    if (url === null) {
      withoutUrl += 1;
      continue;
    }
    const rawProblem = scan.bad.get(nick);
    if (rawProblem) {
      problems.push(rawProblem);
      continue;
    }
    const nameProblem = scan.badNames.get(fields.get('ofxhome') ?? '');
    if (nameProblem) {
      report(`its display name cannot be read: ${nameProblem.message} (line ${nameProblem.line})`);
      continue;
    }
    const entry = toEntry(nick, fields, nameOf, report, (message) => warnings.push({ nick, line, message }));
    if (!entry) continue;
    const key = nick.toLowerCase();
    if (nicks.has(key)) {
      report(`nickname ${nick} differs only in case from ${nicks.get(key)}`);
      continue;
    }
    nicks.set(key, nick);
    entries.push(entry);
  }
  entries.sort((a, b) => (a.nick.toLowerCase() < b.nick.toLowerCase() ? -1 : a.nick.toLowerCase() > b.nick.toLowerCase() ? 1 : 0));
  return { entries, problems, warnings, sections, withoutUrl };
}

function toEntry(
  nick: string,
  fields: Map<string, string>,
  nameOf: Map<string, string>,
  report: (message: string) => void,
  warn: (message: string) => void,
): DirectoryEntry | null {
  const before = { problems: 0 };
  const fail = (message: string) => {
    before.problems += 1;
    report(message);
  };
  const url = fields.get('url') as string;
  let parsedUrl: URL | null = null;
  try {
    parsedUrl = new URL(url);
  } catch {
    fail(`url "${url}" is not a URL`);
  }
  if (parsedUrl && parsedUrl.protocol !== 'https:') fail(`url "${url}" is not https (a request carries the password)`);
  if (parsedUrl && (parsedUrl.username || parsedUrl.password)) fail('url carries credentials');

  const version = orNull(fields.get('version') ?? null);
  if (version !== null && !SERVER_VERSIONS.includes(version)) fail(`version "${version}" is not an OFX version`);

  const ofxHomeId = fields.get('ofxhome') ?? '';
  const name = nameOf.get(ofxHomeId);
  if (!ofxHomeId) fail('no ofxhome id, so no display name');
  else if (!name) fail(`ofxhome id ${ofxHomeId} has no display name in [NAMES]`);

  const quirks: Record<string, string> = {};
  for (const [key, value] of fields) {
    if (CONNECTION_KEYS.has(key)) continue;
    try {
      const stored = checkQuirk(key, value);
      if (stored !== null) quirks[key] = stored;
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    if (!KNOWN_QUIRKS[key]) warn(`quirk ${key} = ${value} is not one ofx-mfa acts on; kept as it is`);
  }
  for (const key of ['appid', 'appver']) {
    if (fields.has(key) && fields.get(key) === '') fail(`${key} is empty`);
  }
  if (before.problems > 0 || !name) return null;
  return {
    nick,
    name,
    ofxHomeId,
    url,
    version,
    org: orNull(fields.get('org') ?? null),
    fid: orNull(fields.get('fid') ?? null),
    brokerId: orNull(fields.get('brokerid') ?? null),
    appId: orNull(fields.get('appid') ?? null),
    appVer: orNull(fields.get('appver') ?? null),
    quirks: Object.fromEntries(Object.entries(quirks).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The data file's text: one server a line, so a regenerated file diffs line by line. */
export function directoryFileText(source: DirectorySource, entries: readonly DirectoryEntry[]): string {
  const head = {
    source,
    generatedBy: 'npm run directory:build (scripts/build-directory.ts); do not edit by hand',
    count: entries.length,
  };
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "banks": [\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}
