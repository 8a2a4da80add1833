/**
 * One single-pass tokenizer for both OFX families: 1.x SGML (leaves usually unclosed) and 2.x XML.
 * Hand-written because no library reads OFX SGML, and the usual trick of rewriting SGML into XML with regular
 * expressions is exactly where parsers break (`AT&T` double-escaped, a raw `&` rejected).
 *
 * An OFX body is only tags and text: no attributes, no mixed content. Whether an element is a leaf or an
 * aggregate is decided by what follows its start tag:
 * - text (after trimming) before the next tag: a leaf with that text, whether or not it is ever closed;
 *   any elements that follow are its siblings (an `</X>` for it later is simply ignored);
 * - its own end tag straight away: an empty leaf;
 * - another start tag: an aggregate, until an end tag closes it. If an end tag for an element further up
 *   closes it implicitly instead, either it was an empty leaf (`<MEMO><NAME>x</STMTTRN>`: MEMO becomes an
 *   empty leaf and NAME its sibling) or a bank forgot to close an aggregate (Nubank never closes
 *   BANKTRANLIST). It stays an aggregate when it holds an aggregate itself or is an OFX aggregate whose
 *   children are all leaves (STATUS, FI, LEDGERBAL, ...); otherwise it was an empty leaf.
 *
 * Entities: only &amp; &lt; &gt; &quot; &apos; and numeric references are decoded; any other `&` is a
 * literal ampersand, as SGML servers send them (`AT&T`, `Procter & Gamble`). Document type and entity
 * declarations are refused outright (nothing is ever expanded); comments and processing instructions are
 * skipped; CDATA sections count as text.
 *
 * Speed matters (statements of 100k transactions): scanning is indexOf/charCodeAt only, text is sliced once
 * per leaf, and no regular expression runs per token.
 */
import { OfxParseError } from '../errors.ts';
import type { OfxNode } from './tree.ts';

const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const AMP = '&';

/** Characters allowed in a tag name: letters, digits and the `.`, `_`, `-`, `:` of extension tags. */
function isNameChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 58
  );
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function numericEntity(body: string): string | null {
  let code: number;
  if (body.length > 2 && (body.charCodeAt(1) === 120 || body.charCodeAt(1) === 88) /* x X */) {
    const hex = body.slice(2);
    if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return null;
    code = parseInt(hex, 16);
  } else {
    const dec = body.slice(1);
    if (!/^[0-9]{1,7}$/.test(dec)) return null;
    code = parseInt(dec, 10);
  }
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return String.fromCodePoint(code);
}

/** Decodes the five XML entities and numeric references; every other `&` stays a literal ampersand. */
export function decodeEntities(raw: string): string {
  let i = raw.indexOf(AMP);
  if (i === -1) return raw;
  let out = '';
  let last = 0;
  while (i !== -1) {
    const semi = raw.indexOf(';', i + 1);
    if (semi !== -1 && semi - i <= 12) {
      const body = raw.slice(i + 1, semi);
      const replacement = body.charCodeAt(0) === 35 /* # */ ? numericEntity(body) : (NAMED_ENTITIES[body] ?? null);
      if (replacement !== null) {
        out += raw.slice(last, i) + replacement;
        last = semi + 1;
        i = raw.indexOf(AMP, last);
        continue;
      }
    }
    i = raw.indexOf(AMP, i + 1);
  }
  return out + raw.slice(last);
}

/** Response aggregates holding only leaves: when left unclosed, structure alone cannot tell them from a leaf. */
const LEAF_ONLY_AGGREGATES: ReadonlySet<string> = new Set([
  'STATUS', 'FI', 'BANKACCTFROM', 'BANKACCTTO', 'CCACCTFROM', 'CCACCTTO', 'INVACCTFROM', 'LEDGERBAL',
  'AVAILBAL', 'SECID', 'CURRENCY', 'ORIGCURRENCY', 'PAYEE', 'MFACHALLENGE', 'MFACHALLENGEA', 'INVTRAN',
  'BAL', 'MSGSETCORE', 'SIGNONINFO', 'ACCTINFO', 'INVBAL',
]);

/**
 * Tag names repeat endlessly (one STMTTRN after another), so they are interned: a small table indexed by a
 * hash computed while scanning. A hit reuses the stored string without slicing, which keeps garbage (and so
 * garbage-collection time) down on large statements; a miss just slices and replaces the slot.
 */
const NAME_SLOTS = 1024;

/** Placeholder children of an aggregate still open; replaced when it closes. */
const EMPTY: OfxNode[] = [];

/**
 * Reads the body markup of `text` from `start` into a forest of OfxNode (normally a single OFX element).
 * Throws OfxParseError on a document type or entity declaration.
 */
export function tokenizeOfx(text: string, start = 0): OfxNode[] {
  /**
   * Children of every open element, innermost last, in one growing array: an aggregate's children are copied
   * out into an exactly sized array when it closes (arrays grown by push keep up to 2x slack, which on a
   * statement of 100k transactions is megabytes of empty slots).
   */
  const buffer: OfxNode[] = [];
  /** Open aggregates, innermost last, and where each one's children begin in `buffer`. */
  const stack: OfxNode[] = [];
  const starts: number[] = [];
  /** The element whose start tag was read last, while it is unknown whether it is a leaf or an aggregate. */
  let pendingName: string | null = null;
  /** Where the text after the last markup begins. */
  let textStart = start;
  /** Text pieces when comments, processing instructions or CDATA split the text of one leaf. */
  let parts: string[] | null = null;
  const length = text.length;
  const names: Array<string | undefined> = new Array<string | undefined>(NAME_SLOTS);
  let pos = start;

  /** The name spelled by text[from, to), upper-cased; `hash` was computed over the same characters. */
  const nameAt = (from: number, to: number, hash: number, lower: boolean): string => {
    if (lower) return text.slice(from, to).toUpperCase();
    const slot = hash & (NAME_SLOTS - 1);
    const known = names[slot];
    if (known !== undefined && known.length === to - from && text.startsWith(known, from)) return known;
    const name = text.slice(from, to);
    names[slot] = name;
    return name;
  };

  /** The trimmed, entity-decoded text between textStart and `end`. */
  const textUpTo = (end: number): string => {
    if (parts !== null) {
      parts.push(decodeEntities(text.slice(textStart, end)));
      const joined = parts.join('').trim();
      parts = null;
      return joined;
    }
    let s = textStart;
    let e = end;
    while (s < e && text.charCodeAt(s) <= 32) s++;
    while (e > s && text.charCodeAt(e - 1) <= 32) e--;
    if (s === e) return '';
    const raw = text.slice(s, e);
    return raw.indexOf(AMP) === -1 ? raw : decodeEntities(raw);
  };

  /** Before a start tag: the pending element becomes a leaf (it has text) or an aggregate (it has none). */
  const settlePending = (end: number): void => {
    if (pendingName === null) return;
    const value = textUpTo(end);
    if (value !== '') {
      buffer.push({ name: pendingName, value });
    } else {
      const node: OfxNode = { name: pendingName, children: EMPTY };
      buffer.push(node);
      stack.push(node);
      starts.push(buffer.length);
    }
    pendingName = null;
  };

  /** Closes the innermost aggregate: its children move from the buffer into their own array. */
  const closeTop = (): void => {
    const node = stack.pop() as OfxNode;
    const from = starts.pop() as number;
    node.children = buffer.slice(from);
    buffer.length = from;
  };

  /** An end tag for an element further up closes this one implicitly (see the rules at the top). */
  const closeImplicitly = (): void => {
    const node = stack[stack.length - 1] as OfxNode;
    const from = starts[starts.length - 1] as number;
    let holdsAggregate = false;
    for (let i = from; i < buffer.length && !holdsAggregate; i++) holdsAggregate = (buffer[i] as OfxNode).children !== undefined;
    if (holdsAggregate || LEAF_ONLY_AGGREGATES.has(node.name)) {
      closeTop();
      return;
    }
    // An empty leaf after all: its would-be children stay where they are, as its following siblings.
    stack.pop();
    starts.pop();
    buffer[from - 1] = { name: node.name, value: '' };
  };

  const closeElement = (name: string): void => {
    let i = stack.length - 1;
    while (i >= 0 && (stack[i] as OfxNode).name !== name) i--;
    if (i < 0) return; // a stray end tag, e.g. for a leaf that already has its text: nothing to close
    while (stack.length - 1 > i) closeImplicitly();
    closeTop();
  };

  /** Keeps the text read so far when markup that is not a tag (comment, PI, CDATA) interrupts it. */
  const holdText = (end: number): void => {
    if (pendingName === null) return;
    (parts ??= []).push(decodeEntities(text.slice(textStart, end)));
  };

  while (pos < length) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) break;
    const c1 = text.charCodeAt(lt + 1);

    if (c1 === SLASH) {
      const from = lt + 2;
      // The usual XML case, </NAME> closing the leaf just opened: recognised without scanning the name.
      if (pendingName !== null && text.startsWith(pendingName, from) && text.charCodeAt(from + pendingName.length) === GT) {
        buffer.push({ name: pendingName, value: textUpTo(lt) });
        pos = textStart = from + pendingName.length + 1;
        pendingName = null;
        parts = null;
        continue;
      }
      // Any other end tag: </NAME> (spaces tolerated before '>').
      let e = from;
      let hash = 0;
      let lower = false;
      for (let c = text.charCodeAt(e); isNameChar(c); c = text.charCodeAt(++e)) {
        hash = (hash * 31 + c) | 0;
        if (c >= 97) lower = true;
      }
      const gt = text.charCodeAt(e) === GT ? e : text.indexOf('>', e);
      if (gt === -1) break;
      if (pendingName !== null) {
        // Text then its own end tag (<CODE>0</CODE>), no text at all (<MEMO></MEMO>), or a leaf left open
        // whose parent is closing (<SEVERITY>INFO</STATUS>): a leaf in every case.
        const leafName: string = pendingName;
        buffer.push({ name: leafName, value: textUpTo(lt) });
        pendingName = null;
        const same = !lower && leafName.length === e - from && text.startsWith(leafName, from);
        if (!same) closeElement(nameAt(from, e, hash, lower));
      } else {
        closeElement(nameAt(from, e, hash, lower));
      }
      parts = null;
      pos = textStart = gt + 1;
      continue;
    }

    if (isNameStart(c1)) {
      // Start tag: <NAME>, tolerating anything up to '>' (attributes are not OFX) and <NAME/>.
      const from = lt + 1;
      let e = from;
      let hash = 0;
      let lower = false;
      for (let c = text.charCodeAt(e); isNameChar(c); c = text.charCodeAt(++e)) {
        hash = (hash * 31 + c) | 0;
        if (c >= 97) lower = true;
      }
      let gt = e;
      if (text.charCodeAt(e) !== GT) {
        gt = text.indexOf('>', e);
        if (gt === -1) break;
      }
      const name = nameAt(from, e, hash, lower);
      settlePending(lt);
      if (gt > e && text.charCodeAt(gt - 1) === SLASH) {
        buffer.push({ name, value: '' });
      } else {
        pendingName = name;
      }
      parts = null;
      pos = textStart = gt + 1;
      continue;
    }

    if (c1 === BANG) {
      if (text.startsWith('<!--', lt)) {
        holdText(lt);
        const end = text.indexOf('-->', lt + 4);
        pos = textStart = end === -1 ? length : end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (pendingName !== null) {
          holdText(lt);
          (parts as string[] | null)?.push(text.slice(lt + 9, end === -1 ? length : end));
        }
        pos = textStart = end === -1 ? length : end + 3;
        continue;
      }
      if (isNameStart(text.charCodeAt(lt + 2))) {
        const declaration = text.slice(lt, Math.min(lt + 10, length)).replace(/\s.*$/s, '');
        throw new OfxParseError(`refused ${declaration}: OFX files carry no document type or entity declarations`);
      }
      const gt = text.indexOf('>', lt);
      pos = textStart = gt === -1 ? length : gt + 1;
      continue;
    }

    if (c1 === QUESTION) {
      holdText(lt);
      const end = text.indexOf('?>', lt + 2);
      pos = textStart = end === -1 ? length : end + 2;
      continue;
    }

    // A '<' that starts no markup ("a < b" from a careless server): part of the text.
    pos = lt + 1;
  }

  if (pendingName !== null) buffer.push({ name: pendingName, value: textUpTo(length) });
  // A truncated file: whatever is still open closes here, as the aggregates it was.
  while (stack.length > 0) closeTop();
  return buffer;
}
