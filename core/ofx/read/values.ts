/** Small typed getters the readers share: leaf text, dates, amounts, flags and STATUS, with one-line errors. */
import { OfxParseError } from '../../errors.ts';
import { describeStatus } from '../../status.ts';
import { normalizeAmount } from '../amounts.ts';
import { parseOfxDateTime } from '../dates.ts';
import type { OfxNode } from '../tree.ts';
import type { OfxStatus } from '../types.ts';
import { quoteValue } from './quote.ts';

/** The first child named `name`. */
export function child(node: OfxNode | undefined, name: string): OfxNode | undefined {
  const list = node?.children;
  if (!list) return undefined;
  for (const c of list) if (c.name === name) return c;
  return undefined;
}

/** Trimmed text of the child leaf `name`, or null when absent or empty. */
export function text(node: OfxNode | undefined, name: string): string | null {
  const value = child(node, name)?.value?.trim();
  return value ? value : null;
}

/** Y/N flags; anything but Y (including absence) is false. */
export function flag(node: OfxNode | undefined, name: string): boolean {
  return text(node, name)?.toUpperCase() === 'Y';
}

export function integer(node: OfxNode | undefined, name: string): number | null {
  const value = text(node, name);
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

/** A date prefixed with where it was found, so the one-line error says which element was wrong. */
export function dateAt(value: string, where: string): string {
  try {
    return parseOfxDateTime(value);
  } catch (error) {
    throw error instanceof OfxParseError ? new OfxParseError(`${where}: ${error.message}`) : error;
  }
}

export function amountAt(value: string, where: string): string {
  try {
    return normalizeAmount(value);
  } catch (error) {
    throw error instanceof OfxParseError ? new OfxParseError(`${where}: ${error.message}`) : error;
  }
}

/** An optional date-time element: null when absent or empty, an error when present but not a date. */
export function optionalDate(node: OfxNode | undefined, name: string, where: string): string | null {
  const value = text(node, name);
  return value === null ? null : dateAt(value, `${where} ${name}`);
}

/** The STATUS aggregate of a response (CODE, SEVERITY, MESSAGE); severity defaults from the code. */
export function readStatus(owner: OfxNode, where: string): OfxStatus {
  const status = child(owner, 'STATUS');
  if (!status) throw new OfxParseError(`${where} has no STATUS`);
  const raw = text(status, 'CODE');
  if (raw === null || !/^\d+$/.test(raw)) {
    throw new OfxParseError(`${where} STATUS has ${raw === null ? 'no CODE' : `an invalid CODE ${quoteValue(raw)}`}`);
  }
  const code = Number(raw);
  return {
    code,
    severity: text(status, 'SEVERITY')?.toUpperCase() ?? describeStatus(code).severity,
    message: text(status, 'MESSAGE'),
  };
}

export { quoteValue };
