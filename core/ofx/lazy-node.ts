/**
 * An aggregate that keeps only where it is spelled in the document text and rebuilds its children from there
 * when they are first asked for. A statement of 100k transactions would otherwise hold ~700k leaf objects
 * (several times the file's size on Node 20, which has no pointer compression) that nobody walks: the typed
 * readers get what they need from `summary`, computed while the aggregate's children still existed.
 *
 * To everything that walks the tree it is an ordinary aggregate: `name` and `children` are own enumerable
 * properties (`children` an accessor), so tree helpers, serializeOfx, JSON.stringify, spreads and deep
 * equality see the same `{ name, children }` as for a plain node. Its state lives in private fields, which
 * none of those see.
 */
import { keepHiddenClass } from './keep-hidden-class.ts';
import { tokenizeOfx } from './tokenizer.ts';
import type { OfxNode } from './tree.ts';

/** Installed on every instance; one shared accessor pair keeps all instances on one hidden class. */
let childrenProperty: PropertyDescriptor;

export class LazyAggregate<Summary> implements OfxNode {
  name: string;
  readonly #text: string;
  readonly #start: number;
  readonly #end: number;
  #children: OfxNode[] | undefined = undefined;
  #summary: Summary | undefined;

  static {
    childrenProperty = {
      get(this: LazyAggregate<unknown>): OfxNode[] {
        return (this.#children ??= this.#rebuild());
      },
      set(this: LazyAggregate<unknown>, children: OfxNode[]) {
        this.#children = children;
      },
      enumerable: true,
      configurable: true,
    };
  }

  /** `text.slice(start, end)` must spell the aggregate alone, start tag to end tag (see Compactor). */
  constructor(name: string, text: string, start: number, end: number, summary: Summary) {
    this.name = name;
    this.#text = text;
    this.#start = start;
    this.#end = end;
    this.#summary = summary;
    Object.defineProperty(this, 'children', childrenProperty);
  }

  /**
   * The summary, once: later calls get undefined and should read the children instead. Handing it out once
   * means a second reading of the same tree builds its own objects rather than sharing (and so exposing to
   * mutation) the first reading's, and the tree stops holding it.
   */
  takeSummary(): Summary | undefined {
    const summary = this.#summary;
    this.#summary = undefined;
    return summary;
  }

  #rebuild(): OfxNode[] {
    const [node, ...rest] = tokenizeOfx(this.#text.slice(this.#start, this.#end));
    if (node === undefined || rest.length > 0 || node.name !== this.name || node.children === undefined) {
      // Cannot happen for a span the tokenizer vouched for; failing loudly beats a silently different tree.
      throw new Error(`internal error: the text of ${this.name} no longer reads as one aggregate`);
    }
    return node.children;
  }
}

// Two instances, with summaries of different classes, so that the field holding the summary is typed as
// "anything" from the start rather than as the first summary's class (which would change the hidden class).
keepHiddenClass(new LazyAggregate<unknown>('', '', 0, 0, {}));
keepHiddenClass(new LazyAggregate<unknown>('', '', 0, 0, []));
