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
 * per leaf, and no regular expression runs per token. Memory matters too: a leaf costs ~40 bytes plus its
 * text (Node 20 has no pointer compression), several times the bytes it was read from, so a caller may pass a
 * `compact` hook that swaps an aggregate for a cheaper node as soon as it closes (see Compactor).
 */
import { OfxParseError } from '../errors.ts';
import { keepHiddenClass } from './keep-hidden-class.ts';
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

/** A reference is at most 12 characters from its `&` to its `;` (`&#x10FFFF;` is 10, `&#1114111;` 10). */
const MAX_REFERENCE = 12;

/**
 * A value of a few references (the usual `AT&amp;T`) is decoded by plain concatenation. Past FEW_PIECES its
 * pieces are collected instead and joined into a flat chunk every PIECES_PER_CHUNK: concatenated all along, a
 * string is a rope of one node per piece, all alive until the end, and the garbage collector's work on them
 * grew faster than the text (2.8 MB of `&amp;&#65;&lt;`: 10x the references took 24x-35x the time, mostly GC).
 * Joined, what stays alive is a few flat chunks and at most PIECES_PER_CHUNK pieces.
 */
const FEW_PIECES = 16;
const PIECES_PER_CHUNK = 1024;

/** Decodes the five XML entities and numeric references; every other `&` stays a literal ampersand. */
export function decodeEntities(raw: string): string {
  let i = raw.indexOf(AMP);
  if (i === -1) return raw;
  let out = '';
  let count = 0;
  let pieces: string[] | null = null;
  let chunks: string[] | null = null;
  let last = 0;
  const length = raw.length;
  while (i !== -1) {
    // The `;` is looked for only as far as a reference can reach: searching the rest of the text for it would
    // make text of bare ampersands (2 MB of `&`) take time quadratic in its length.
    const reach = Math.min(length, i + MAX_REFERENCE + 1);
    let semi = i + 1;
    while (semi < reach && raw.charCodeAt(semi) !== 59 /* ; */) semi++;
    if (semi < reach) {
      const body = raw.slice(i + 1, semi);
      const replacement = body.charCodeAt(0) === 35 /* # */ ? numericEntity(body) : (NAMED_ENTITIES[body] ?? null);
      if (replacement !== null) {
        if (pieces === null) {
          out += raw.slice(last, i) + replacement;
          if (++count === FEW_PIECES) pieces = [out];
        } else {
          if (i > last) pieces.push(raw.slice(last, i));
          pieces.push(replacement);
          if (pieces.length >= PIECES_PER_CHUNK) {
            (chunks ??= []).push(pieces.join(''));
            pieces.length = 0;
          }
        }
        last = semi + 1;
        i = raw.indexOf(AMP, last);
        continue;
      }
    }
    i = raw.indexOf(AMP, i + 1);
  }
  if (pieces === null) return out + raw.slice(last);
  pieces.push(raw.slice(last));
  if (chunks === null) return pieces.join('');
  chunks.push(pieces.join(''));
  return chunks.join('');
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

/**
 * How deep elements may nest. Real OFX nests about ten deep (a sloppy file's empty leaves, open until an
 * ancestor's end tag shows what they were, add a few more); a file nested hundreds deep is an attack or noise,
 * and readers walking such a tree recursively would run out of stack.
 */
export const MAX_DEPTH = 256;

/** Placeholder children of an aggregate still open; replaced when it closes. */
const EMPTY: OfxNode[] = [];

/**
 * Lets a caller keep a cheaper node in the tree for some aggregates (the parser: transactions), chosen by
 * name and parent name (undefined at the top). Spans are where the aggregate is spelled in `text`, from its
 * start tag's `<` to just past its end tag's `>`.
 *
 * Only aggregates closed by their own end tag are offered: then `text.slice(start, end)` read on its own
 * yields exactly the same aggregate, because everything inside was settled by that end tag and nothing
 * outside it was involved (an implicit close by an ancestor's end tag can turn a leaf-only aggregate into an
 * empty leaf). A replacement may therefore rebuild the children from that text later.
 */
export interface Compactor {
  /** An aggregate just closed: a node to keep in its place, or undefined to keep `node`. */
  closed(node: OfxNode, parent: string | undefined, text: string, start: number, end: number): OfxNode | undefined;
  /**
   * Fast path for aggregates of leaves only, the shape of nearly every transaction: a sink that takes the
   * leaves straight from the text, so no node is ever made for them. Undefined: tokenize as usual.
   */
  leafSink(name: string, parent: string | undefined): LeafSink | undefined;
}

/** Receives the leaves of one aggregate, in order, with values exactly as the tokenizer would give them. */
export interface LeafSink {
  leaf(name: string, value: string): void;
  /** Every leaf given: the node to keep for the aggregate, or undefined to tokenize it as usual after all. */
  finish(text: string, start: number, end: number): OfxNode | undefined;
  /** Forget the leaves given so far: the aggregate turned out not to be simple, and is tokenized as usual. */
  reset(): void;
}

export interface TokenizeOptions {
  compact?: Compactor;
}

/**
 * Reads the body markup of `text` from `start` into a forest of OfxNode (normally a single OFX element).
 * Throws OfxParseError on a document type or entity declaration.
 */
export function tokenizeOfx(text: string, start = 0, options: TokenizeOptions = {}): OfxNode[] {
  return new Tokenizer(text, start, options.compact).run();
}

/**
 * One tokenizing pass. A class rather than closures inside tokenizeOfx: closures are new function objects on
 * every call, and V8 optimizes each anew, so every document would start in unoptimized code; methods are
 * optimized once for all documents.
 */
class Tokenizer {
  /**
   * Children of every open element, innermost last, in one growing array: an aggregate's children are copied
   * out into an exactly sized array when it closes (arrays grown by push keep up to 2x slack, which on a
   * statement of 100k transactions is megabytes of empty slots).
   */
  private readonly buffer: OfxNode[] = [];
  /** Open aggregates, innermost last, and where each one's children begin in `buffer`. */
  private readonly stack: OfxNode[] = [];
  private readonly starts: number[] = [];
  /** Where each open aggregate's start tag begins in `text` (for the compact hook). */
  private readonly tagStarts: number[] = [];
  /**
   * How many of each open aggregate's children (so far) are aggregates, kept up to date as children come, so
   * that an implicit close knows at once whether the element holds one: scanning its children instead would
   * rescan the same children at every level of a chain of empty leaves, quadratic in the input.
   */
  private readonly aggregateChildren: number[] = [];
  /** How many open aggregates have each name: an end tag for none of them is dismissed without walking the stack. */
  private readonly openNames = new Map<string, number>();
  /** The element whose start tag was read last, while it is unknown whether it is a leaf or an aggregate. */
  private pendingName: string | null = null;
  /** Where pendingName's start tag begins. */
  private pendingStart = 0;
  /** Where the text after the last markup begins. */
  private textStart: number;
  /** Text pieces when comments, processing instructions or CDATA split the text of one leaf. */
  private parts: string[] | null = null;
  /** Left by scanName for the name it just scanned. */
  private nameHash = 0;
  private nameLower = false;
  private readonly names: Array<string | undefined> = new Array<string | undefined>(NAME_SLOTS);

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly compact: Compactor | undefined,
  ) {
    this.textStart = start;
  }

  /** The name spelled by text[from, to), upper-cased; `hash` was computed over the same characters. */
  /**
   * Scans the tag name starting at `from` and returns where it ends; its hash and whether it has lower-case
   * letters are left in nameHash and nameLower for nameAt (fields, not a returned object: this runs per tag).
   */
  private scanName(from: number): number {
    const { text } = this;
    let e = from;
    let hash = 0;
    let lower = false;
    for (let c = text.charCodeAt(e); isNameChar(c); c = text.charCodeAt(++e)) {
      hash = (hash * 31 + c) | 0;
      if (c >= 97) lower = true;
    }
    this.nameHash = hash;
    this.nameLower = lower;
    return e;
  }

  private nameAt(from: number, to: number, hash: number, lower: boolean): string {
    const text = this.text;
    if (lower) return text.slice(from, to).toUpperCase();
    const slot = hash & (NAME_SLOTS - 1);
    const known = this.names[slot];
    if (known !== undefined && known.length === to - from && text.startsWith(known, from)) return known;
    const name = text.slice(from, to);
    this.names[slot] = name;
    return name;
  }

  /** The trimmed, entity-decoded text between textStart and `end`. */
  private textUpTo(end: number): string {
    const text = this.text;
    if (this.parts !== null) {
      this.parts.push(decodeEntities(text.slice(this.textStart, end)));
      const joined = this.parts.join('').trim();
      this.parts = null;
      return joined;
    }
    return trimmedText(text, this.textStart, end);
  }

  /** Before a start tag: the pending element becomes a leaf (it has text) or an aggregate (it has none). */
  private settlePending(end: number): void {
    const name = this.pendingName;
    if (name === null) return;
    const value = this.textUpTo(end);
    if (value !== '') {
      this.buffer.push({ name, value });
    } else {
      this.open({ name, children: EMPTY }, this.pendingStart);
    }
    this.pendingName = null;
  }

  /** A child aggregate of the innermost open element (or of the top level) joins the buffer. */
  private pushAggregate(node: OfxNode): void {
    this.buffer.push(node);
    const top = this.aggregateChildren.length - 1;
    if (top >= 0) this.aggregateChildren[top] = (this.aggregateChildren[top] as number) + 1;
  }

  /** `node` becomes the innermost open aggregate; its start tag begins at `tagStart`. */
  private open(node: OfxNode, tagStart: number): void {
    if (this.stack.length >= MAX_DEPTH) {
      throw new OfxParseError(`elements are nested more than ${MAX_DEPTH} deep; this is not an OFX file that can be read`);
    }
    this.pushAggregate(node);
    this.stack.push(node);
    this.starts.push(this.buffer.length);
    this.tagStarts.push(tagStart);
    this.aggregateChildren.push(0);
    this.openNames.set(node.name, (this.openNames.get(node.name) ?? 0) + 1);
  }

  /** Forgets the innermost open aggregate (its children stay in the buffer); returns where they begin. */
  private pop(): number {
    const node = this.stack.pop() as OfxNode;
    this.tagStarts.pop();
    this.aggregateChildren.pop();
    this.openNames.set(node.name, (this.openNames.get(node.name) as number) - 1);
    return this.starts.pop() as number;
  }

  /** Closes the innermost aggregate: its children move from the buffer into their own array. */
  private closeTop(): void {
    const node = this.stack[this.stack.length - 1] as OfxNode;
    const from = this.pop();
    node.children = this.buffer.slice(from);
    this.buffer.length = from;
  }

  /** An end tag for an element further up closes this one implicitly (see the rules at the top). */
  private closeImplicitly(): void {
    const { stack, aggregateChildren } = this;
    const node = stack[stack.length - 1] as OfxNode;
    if ((aggregateChildren[aggregateChildren.length - 1] as number) > 0 || LEAF_ONLY_AGGREGATES.has(node.name)) {
      this.closeTop();
      return;
    }
    // An empty leaf after all: its would-be children (leaves all) stay where they are, as its following
    // siblings, and its parent has one aggregate child fewer.
    const from = this.pop();
    this.buffer[from - 1] = { name: node.name, value: '' };
    const top = aggregateChildren.length - 1;
    if (top >= 0) aggregateChildren[top] = (aggregateChildren[top] as number) - 1;
  }

  /** The end tag of `name`, ending just before `end`, closes the innermost open `name`. */
  private closeElement(name: string, end: number): void {
    const { buffer, stack } = this;
    // A stray end tag, e.g. for a leaf that already has its text: nothing to close. Known from the count of
    // open elements by name, not by walking the stack, which end tag after end tag would make quadratic.
    if (stack[stack.length - 1]?.name !== name && !this.openNames.get(name)) return;
    while ((stack[stack.length - 1] as OfxNode).name !== name) this.closeImplicitly();
    const tagStart = this.tagStarts[this.tagStarts.length - 1] as number;
    this.closeTop();
    if (this.compact !== undefined) {
      // closeTop left the closed aggregate last in the buffer, among its parent's children.
      const at = buffer.length - 1;
      const parent = stack[stack.length - 1]?.name;
      const replacement = this.compact.closed(buffer[at] as OfxNode, parent, this.text, tagStart, end);
      if (replacement !== undefined) {
        buffer[at] = replacement;
        // Should a replacement ever be a leaf, the parent holds one aggregate fewer.
        const top = this.aggregateChildren.length - 1;
        if (replacement.value !== undefined && top >= 0) this.aggregateChildren[top] = (this.aggregateChildren[top] as number) - 1;
      }
    }
  }

  /** Keeps the text read so far when markup that is not a tag (comment, PI, CDATA) interrupts it. */
  private holdText(end: number): void {
    if (this.pendingName === null) return;
    (this.parts ??= []).push(decodeEntities(this.text.slice(this.textStart, end)));
  }

  /**
   * The fast path of Compactor.leafSink, from just past the start tag `<NAME>` of an aggregate: its leaves go
   * to `sink` and the result is where its end tag `</NAME>` ends. Only the plain shape is taken (upper-case
   * tags without spaces, each leaf with text or its own end tag, no comment, CDATA or nested aggregate);
   * anything else returns -1, and the caller tokenizes the aggregate as usual. Within that shape every rule
   * is the general loop's: values trimmed and entity-decoded, text after a leaf's end tag ignored, a leaf
   * left open ended by the next tag.
   */
  private scanLeaves(name: string, from: number, sink: LeafSink): number {
    const text = this.text;
    let leafName: string | null = null;
    let p = from;
    for (;;) {
      const lt = text.indexOf('<', p);
      if (lt === -1) return -1;
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === SLASH) {
        const at = lt + 2;
        if (leafName !== null && text.startsWith(leafName, at) && text.charCodeAt(at + leafName.length) === GT) {
          sink.leaf(leafName, trimmedText(text, p, lt));
          p = at + leafName.length + 1;
          leafName = null;
          continue;
        }
        // Its own end tag; but straight after its start tag it would be an (empty or text) leaf instead.
        if (p === from || !text.startsWith(name, at) || text.charCodeAt(at + name.length) !== GT) return -1;
        if (leafName !== null) sink.leaf(leafName, trimmedText(text, p, lt));
        return at + name.length + 1;
      }
      if (c1 < 65 || c1 > 90) return -1; // not an upper-case start tag: '!', '?', lower case, stray '<'
      let e = lt + 1;
      let hash = 0;
      for (let c = c1; isNameChar(c) && c < 97; c = text.charCodeAt(++e)) hash = (hash * 31 + c) | 0;
      if (text.charCodeAt(e) !== GT) return -1;
      if (leafName !== null || p === from) {
        const value = trimmedText(text, p, lt);
        if (leafName !== null) {
          // An element with no text before the next start tag would be an aggregate: not this path's shape.
          if (value === '') return -1;
          sink.leaf(leafName, value);
        } else if (value !== '') {
          return -1; // text right after the aggregate's own start tag: it is a leaf, not an aggregate
        }
      } // else: text between a leaf's end tag and the next tag, which the general loop ignores too
      leafName = this.nameAt(lt + 1, e, hash, false);
      p = e + 1;
    }
  }

  run(): OfxNode[] {
    const { text, buffer, stack } = this;
    const length = text.length;
    let pos = this.start;
    while (pos < length) {
      const lt = text.indexOf('<', pos);
      if (lt === -1) break;
      const c1 = text.charCodeAt(lt + 1);

      if (c1 === SLASH) {
        const from = lt + 2;
        const pendingName = this.pendingName;
        // The usual XML case, </NAME> closing the leaf just opened: recognised without scanning the name.
        if (pendingName !== null && text.startsWith(pendingName, from) && text.charCodeAt(from + pendingName.length) === GT) {
          buffer.push({ name: pendingName, value: this.textUpTo(lt) });
          pos = this.textStart = from + pendingName.length + 1;
          this.pendingName = null;
          this.parts = null;
          continue;
        }
        // Any other end tag: </NAME> (spaces tolerated before '>').
        const e = this.scanName(from);
        const { nameHash: hash, nameLower: lower } = this;
        const gt = text.charCodeAt(e) === GT ? e : text.indexOf('>', e);
        if (gt === -1) break;
        if (pendingName !== null) {
          // Text then its own end tag (<CODE>0</CODE>), no text at all (<MEMO></MEMO>), or a leaf left open
          // whose parent is closing (<SEVERITY>INFO</STATUS>): a leaf in every case.
          buffer.push({ name: pendingName, value: this.textUpTo(lt) });
          this.pendingName = null;
          const same = !lower && pendingName.length === e - from && text.startsWith(pendingName, from);
          if (!same) this.closeElement(this.nameAt(from, e, hash, lower), gt + 1);
        } else {
          this.closeElement(this.nameAt(from, e, hash, lower), gt + 1);
        }
        this.parts = null;
        pos = this.textStart = gt + 1;
        continue;
      }

      if (isNameStart(c1)) {
        // Start tag: <NAME>, tolerating anything up to '>' (attributes are not OFX) and <NAME/>.
        const from = lt + 1;
        const e = this.scanName(from);
        const { nameHash: hash, nameLower: lower } = this;
        let gt = e;
        if (text.charCodeAt(e) !== GT) {
          gt = text.indexOf('>', e);
          if (gt === -1) break;
        }
        const name = this.nameAt(from, e, hash, lower);
        this.settlePending(lt);
        this.parts = null;
        const sink = this.compact !== undefined && gt === e ? this.compact.leafSink(name, stack[stack.length - 1]?.name) : undefined;
        if (sink !== undefined) {
          const end = this.scanLeaves(name, gt + 1, sink);
          const node = end === -1 ? undefined : sink.finish(text, lt, end);
          if (node !== undefined) {
            if (node.value === undefined) this.pushAggregate(node);
            else buffer.push(node);
            pos = this.textStart = end;
            continue;
          }
          sink.reset(); // not the plain shape after all: tokenized as usual below
        }
        if (gt > e && text.charCodeAt(gt - 1) === SLASH) {
          buffer.push({ name, value: '' });
        } else {
          this.pendingName = name;
          this.pendingStart = lt;
        }
        pos = this.textStart = gt + 1;
        continue;
      }

      if (c1 === BANG) {
        if (text.startsWith('<!--', lt)) {
          this.holdText(lt);
          const end = text.indexOf('-->', lt + 4);
          pos = this.textStart = end === -1 ? length : end + 3;
          continue;
        }
        if (text.startsWith('<![CDATA[', lt)) {
          const end = text.indexOf(']]>', lt + 9);
          if (this.pendingName !== null) {
            this.holdText(lt);
            this.parts?.push(text.slice(lt + 9, end === -1 ? length : end));
          }
          pos = this.textStart = end === -1 ? length : end + 3;
          continue;
        }
        if (isNameStart(text.charCodeAt(lt + 2))) {
          const declaration = text.slice(lt, Math.min(lt + 10, length)).replace(/\s.*$/s, '');
          throw new OfxParseError(`refused ${declaration}: OFX files carry no document type or entity declarations`);
        }
        const gt = text.indexOf('>', lt);
        pos = this.textStart = gt === -1 ? length : gt + 1;
        continue;
      }

      if (c1 === QUESTION) {
        this.holdText(lt);
        const end = text.indexOf('?>', lt + 2);
        pos = this.textStart = end === -1 ? length : end + 2;
        continue;
      }

      // A '<' that starts no markup ("a < b" from a careless server): part of the text.
      pos = lt + 1;
    }

    if (this.pendingName !== null) buffer.push({ name: this.pendingName, value: this.textUpTo(length) });
    // A truncated file: whatever is still open closes here, as the aggregates it was.
    while (stack.length > 0) this.closeTop();
    return buffer;
  }
}

// With and without a compactor, so that the field is typed as "anything" from the start.
keepHiddenClass(new Tokenizer('', 0, undefined));
keepHiddenClass(new Tokenizer('', 0, { closed: () => undefined, leafSink: () => undefined }));

/** text[from, end) trimmed and entity-decoded (the usual case: no comment or CDATA inside the text). */
function trimmedText(text: string, from: number, end: number): string {
  let s = from;
  let e = end;
  while (s < e && text.charCodeAt(s) <= 32) s++;
  while (e > s && text.charCodeAt(e - 1) <= 32) e--;
  if (s === e) return '';
  const raw = text.slice(s, e);
  return raw.indexOf(AMP) === -1 ? raw : decodeEntities(raw);
}
