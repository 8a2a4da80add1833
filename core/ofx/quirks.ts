/**
 * Per-connection server quirks, named as ofxtools' fi.cfg names them (the bank directory's source), stored with
 * the connection as a plain name → value record so the set stays open: a quirk this code does not know is kept
 * and shown, just not acted on.
 *
 *   pretty = true            a line break after each element of the request
 *   unclosedelements = true  leaf elements left unclosed, even in 2.x XML
 *   nonewfileuid = true      NEWFILEUID:NONE in the header instead of a fresh UUID
 *   useragent = X            User-Agent X on the HTTP request, and X as the MFA107 answer
 *   clientuid =  (empty)     no CLIENTUID element at all, whatever the version or the profile says
 *   chgpinfirst = true       the server wants a PIN change first (recorded; ofx-mfa does not change PINs)
 */
import { OfxError } from '../errors.ts';

export type QuirkSet = Readonly<Record<string, string>>;

type QuirkKind = 'flag' | 'text' | 'empty';

/** The quirks ofx-mfa knows, with what each does; `acted: false` ones are recorded only. */
export const KNOWN_QUIRKS: Readonly<Record<string, { kind: QuirkKind; acted: boolean; what: string }>> = {
  pretty: { kind: 'flag', acted: true, what: 'a line break after each element of the request' },
  unclosedelements: { kind: 'flag', acted: true, what: 'leaf elements left unclosed, even in 2.x XML' },
  nonewfileuid: { kind: 'flag', acted: true, what: 'NEWFILEUID NONE in the header' },
  useragent: { kind: 'text', acted: true, what: 'this User-Agent on the HTTP request and as the MFA107 answer' },
  clientuid: { kind: 'empty', acted: true, what: 'no CLIENTUID element at all' },
  chgpinfirst: { kind: 'flag', acted: false, what: 'the server wants a PIN change first (recorded only)' },
};

/** What the request builder and the transport do differently for a connection. */
export interface RequestQuirks {
  pretty: boolean;
  unclosedElements: boolean;
  noNewFileUid: boolean;
  noClientUid: boolean;
  /** null: the caller's usual User-Agent. */
  userAgent: string | null;
}

export const NO_QUIRKS: RequestQuirks = Object.freeze({
  pretty: false,
  unclosedElements: false,
  noNewFileUid: false,
  noClientUid: false,
  userAgent: null,
});

/** Python's configparser.getboolean words, which fi.cfg is written for. */
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);
const NAME_RE = /^[a-z][a-z0-9_]*$/;

export function requestQuirks(quirks: QuirkSet | null | undefined): RequestQuirks {
  if (!quirks || Object.keys(quirks).length === 0) return NO_QUIRKS;
  const on = (name: string) => TRUE_WORDS.has((quirks[name] ?? '').toLowerCase());
  const userAgent = quirks.useragent;
  return {
    pretty: on('pretty'),
    unclosedElements: on('unclosedelements'),
    noNewFileUid: on('nonewfileuid'),
    noClientUid: quirks.clientuid !== undefined && quirks.clientuid.trim() === '',
    userAgent: userAgent !== undefined && userAgent.trim() !== '' ? userAgent.trim() : null,
  };
}

/**
 * The value to store for one quirk, or null when the setting means "off" (a false flag): flags become "true",
 * text is trimmed. Throws a one-line OfxError for a value the quirk cannot take.
 */
export function checkQuirk(rawName: string, rawValue: string): string | null {
  const name = rawName.trim().toLowerCase();
  if (!NAME_RE.test(name)) throw new OfxError(`quirk "${rawName}": a quirk name is lower-case letters and digits, e.g. pretty`);
  const value = rawValue.trim();
  const known = KNOWN_QUIRKS[name];
  if (!known) return value;
  switch (known.kind) {
    case 'flag':
      if (TRUE_WORDS.has(value.toLowerCase())) return 'true';
      if (FALSE_WORDS.has(value.toLowerCase())) return null;
      throw new OfxError(`quirk ${name} is true or false, not "${value}"`);
    case 'text':
      if (value === '') throw new OfxError(`quirk ${name} needs a value, e.g. ${name}=ofxtools`);
      if (/[\r\n]/.test(value)) throw new OfxError(`quirk ${name} must be one line`);
      return value;
    case 'empty':
      // ofxtools reads a clientuid value as a fixed CLIENTUID; ours is generated per connection, so only "none" is meaningful.
      if (value !== '') throw new OfxError(`quirk ${name} only takes an empty value (${name}= : send no CLIENTUID)`);
      return '';
  }
}

export interface QuirkChange {
  name: string;
  /** null: remove the quirk. */
  value: string | null;
}

/**
 * A quirk setting as typed on the command line: `pretty` (on), `useragent=X`, `clientuid=` (empty), `pretty=false`
 * or `-pretty` (remove).
 */
export function parseQuirkSetting(text: string): QuirkChange {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) {
    const name = trimmed.slice(1).trim().toLowerCase();
    if (!NAME_RE.test(name)) throw new OfxError(`quirk "${text}": expected -NAME, e.g. -pretty`);
    return { name, value: null };
  }
  const eq = trimmed.indexOf('=');
  const name = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
  if (eq === -1) {
    const known = KNOWN_QUIRKS[name];
    if (known && known.kind !== 'flag') {
      throw new OfxError(known.kind === 'empty' ? `quirk ${name}: write ${name}= (send no CLIENTUID)` : `quirk ${name} needs a value: ${name}=VALUE`);
    }
    return { name, value: checkQuirk(name, 'true') };
  }
  return { name, value: checkQuirk(name, trimmed.slice(eq + 1)) };
}

export function applyQuirkChanges(quirks: QuirkSet, changes: readonly QuirkChange[]): Record<string, string> {
  const out: Record<string, string> = { ...quirks };
  for (const c of changes) {
    if (c.value === null) delete out[c.name];
    else out[c.name] = c.value;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** `pretty, useragent=ofxtools, clientuid= (no CLIENTUID)`; "" when there are none. */
export function formatQuirks(quirks: QuirkSet | null | undefined): string {
  return Object.entries(quirks ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      if (KNOWN_QUIRKS[name]?.kind === 'flag' && value === 'true') return name;
      if (name === 'clientuid' && value === '') return 'clientuid= (no CLIENTUID)';
      return `${name}=${value}`;
    })
    .join(', ');
}
