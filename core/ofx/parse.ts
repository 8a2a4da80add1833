/**
 * parseOfx: bytes or text of an OFX file (1.x SGML or 2.x XML, response or request) to ParsedOfx.
 * Throws OfxParseError only, with a one-line message; anything unexpected is wrapped.
 */
import { OfxParseError } from '../errors.ts';
import { decodeOfx } from './decode.ts';
import { readHeader } from './header.ts';
import { readAccountList } from './read/accounts.ts';
import { readProfile } from './read/profile.ts';
import { quoteValue } from './read/quote.ts';
import { readTransactionResponses } from './read/responses.ts';
import { readChallenge, readSignon } from './read/signon.ts';
import { compactTransactions } from './read/statements.ts';
import { tokenizeOfx } from './tokenizer.ts';
import type { OfxNode } from './tree.ts';
import type { ParsedOfx } from './types.ts';

function notOfx(text: string): OfxParseError {
  const start = text.trimStart().slice(0, 40);
  return new OfxParseError(
    start === '' ? 'not an OFX document: the input is empty' : `not an OFX document: no <OFX> element (starts with ${quoteValue(start)})`,
  );
}

function parse(input: string | Uint8Array): ParsedOfx {
  const text = decodeOfx(input);
  const { header, bodyStart } = readHeader(text);
  // Transactions are read while tokenizing, and the tree keeps compact nodes for them (see compactTransactions).
  const found = tokenizeOfx(text, bodyStart, { compact: compactTransactions }).find((n) => n.name === 'OFX');
  if (!found) throw notOfx(text);
  // <OFX></OFX> is a (useless but valid) empty document, read as an aggregate with no children.
  const root: OfxNode = found.children ? found : { name: 'OFX', children: [] };
  const { statuses, statements } = readTransactionResponses(root);
  return {
    header,
    root,
    signon: readSignon(root),
    challenge: readChallenge(root),
    profile: readProfile(root),
    accountList: readAccountList(root),
    statements,
    transactionStatuses: statuses,
  };
}

export function parseOfx(input: string | Uint8Array): ParsedOfx {
  try {
    return parse(input);
  } catch (error) {
    if (error instanceof OfxParseError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new OfxParseError(`unreadable OFX: ${message.split('\n')[0]}`);
  }
}
