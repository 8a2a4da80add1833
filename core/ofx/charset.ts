/**
 * Windows-1252, the charset every OFX 1.x request we send declares (CHARSET:1252). The table is iconv-lite's;
 * a text is encodable when it survives the round trip, because iconv-lite (like every encoder) writes `?` for a
 * character the charset lacks, and a silent `?` in a password or an answer costs a refused sign-on (answers: a
 * 3001, and three of those lock the account).
 */
import { Buffer } from 'node:buffer';
import type Iconv from 'iconv-lite';
import { OfxError } from '../errors.ts';
import { lazyRequire } from '../lazy-require.ts';
import type { OfxNode } from './tree.ts';

const CP1252 = 'windows-1252';

/** Loaded at the first text that is not plain ASCII. */
const iconv = lazyRequire<typeof Iconv>('iconv-lite');

/** Every character below U+0080: the same bytes in ASCII, latin1 and 1252. */
const ASCII_ONLY = /^[\x00-\x7F]*$/;

/** The text as 1252 bytes, or null when a character of it has no 1252 byte. */
export function encodeWindows1252(text: string): Buffer | null {
  // Nearly every request is plain ASCII: then iconv-lite and its tables of every charset (~6 MB at start-up,
  // issue 7) need not load to give the same bytes.
  if (ASCII_ONLY.test(text)) return Buffer.from(text, 'latin1');
  const bytes = iconv().encode(text, CP1252);
  return iconv().decode(bytes, CP1252) === text ? bytes : null;
}

/** The first character (code point) of `text` that 1252 cannot carry, or null. */
export function firstNonWindows1252(text: string): string | null {
  // The common case, every character below U+0080 or a Latin-1 letter, needs no per-character work.
  if (encodeWindows1252(text) !== null) return null;
  for (const ch of text) if (encodeWindows1252(ch) === null) return ch;
  return null;
}

/** `“✓” (U+2713)`: the character, and its code point for when the glyph does not show. */
export function describeCharacter(ch: string): string {
  const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return `“${ch}” (U+${code})`;
}

/** A request field holds a character its charset cannot carry; found before anything is sent. */
export class OfxCharsetError extends OfxError {
  override name = 'OfxCharsetError';
  constructor(
    /** Which field, as a person reads it: "the password", "the answer to MFA16", "ORG". */
    readonly field: string,
    /** The character, only when the field is not a secret; otherwise null and never in the message. */
    readonly character: string | null,
  ) {
    super(
      character === null
        ? `${field} contains a character that OFX 1.x (CHARSET 1252) cannot carry; the bank could never receive it as typed`
        : `${field} contains ${describeCharacter(character)}, which OFX 1.x (CHARSET 1252) cannot carry`,
    );
  }
}

/** Sign-on elements whose values are secrets: an error names the field, never a character of its value. */
const SECRET_FIELDS: Readonly<Record<string, string>> = {
  USERPASS: 'the password',
  USERCRED1: 'USERCRED1',
  USERCRED2: 'USERCRED2',
  AUTHTOKEN: 'the authentication token',
  ACCESSKEY: 'the access key',
};

const PLAIN_FIELDS: Readonly<Record<string, string>> = { USERID: 'the user ID' };

/**
 * Throws OfxCharsetError for the first leaf of a request tree that 1252 cannot carry. Challenge answers are
 * named by their question (MFAPHRASEID) and show the character, as a person typed it and must retype it; the
 * password and the other credentials show nothing of their value.
 */
export function checkWindows1252(root: OfxNode): void {
  const walk = (node: OfxNode, parent: OfxNode | null): void => {
    if (node.children) {
      for (const c of node.children) walk(c, node);
      return;
    }
    const ch = firstNonWindows1252(node.value ?? '');
    if (ch === null) return;
    const secret = SECRET_FIELDS[node.name];
    if (secret !== undefined) throw new OfxCharsetError(secret, null);
    if (node.name === 'MFAPHRASEA') {
      const id = parent?.children?.find((c) => c.name === 'MFAPHRASEID')?.value;
      throw new OfxCharsetError(id ? `the answer to ${id}` : 'a challenge answer', ch);
    }
    throw new OfxCharsetError(PLAIN_FIELDS[node.name] ?? node.name, ch);
  };
  walk(root, null);
}
