/**
 * The one in-memory shape of an OFX document, shared by the parser (what it reads), the request builders
 * and the simulated bank (what they write). OFX bodies have no attributes and no mixed content, so a node is
 * either a leaf carrying text or an aggregate carrying children.
 */
export interface OfxNode {
  name: string;
  /** Leaf text, entity references already decoded. Undefined on aggregates. */
  value?: string;
  /** Child elements in document order. Undefined on leaves. */
  children?: OfxNode[];
}

export function leaf(name: string, value: string): OfxNode {
  return { name, value };
}

export function aggregate(name: string, children: Array<OfxNode | null | undefined | false>): OfxNode {
  return { name, children: children.filter((c): c is OfxNode => Boolean(c)) };
}

/** A leaf only when the value is present, for optional elements. */
export function optionalLeaf(name: string, value: string | null | undefined): OfxNode | null {
  return value === undefined || value === null ? null : leaf(name, value);
}

export function childNode(node: OfxNode | undefined, name: string): OfxNode | undefined {
  return node?.children?.find((c) => c.name === name);
}

export function childNodes(node: OfxNode | undefined, name: string): OfxNode[] {
  return node?.children?.filter((c) => c.name === name) ?? [];
}

/** Follows a path of element names from `node`; the first match at each step. */
export function pathNode(node: OfxNode | undefined, ...path: string[]): OfxNode | undefined {
  let current = node;
  for (const name of path) current = childNode(current, name);
  return current;
}

/** Trimmed text of the leaf at `path`, or null when absent or empty. */
export function pathText(node: OfxNode | undefined, ...path: string[]): string | null {
  const value = pathNode(node, ...path)?.value?.trim();
  return value ? value : null;
}

/** Every node named `name` anywhere below `node` (depth first, document order). */
export function findAll(node: OfxNode | undefined, name: string, out: OfxNode[] = []): OfxNode[] {
  for (const c of node?.children ?? []) {
    if (c.name === name) out.push(c);
    findAll(c, name, out);
  }
  return out;
}
