/**
 * Reads what the bank needs from a parsed request tree: the sign-on fields and the list of transactions asked
 * for, in document order. Requests arrive in SGML or XML; both parse to the same OfxNode tree.
 */
import { pathNode, pathText } from '../../core/ofx/tree.ts';
import type { OfxNode } from '../../core/ofx/tree.ts';
import { parseOfxDateTime } from '../../core/ofx/dates.ts';
import type { AccountQuery } from './accounts.ts';

export interface SignonRequest {
  userId: string | null;
  /** Secret: compared, never logged. */
  password: string | null;
  clientUid: string | null;
  userCred1: string | null;
  accessKey: string | null;
  /** From MFACHALLENGEA or MFACHALLENGEANSWER aggregates (both spellings are in use). */
  answers: Array<{ id: string; answer: string }>;
}

interface Trn {
  /** The request message set it came in, e.g. BANKMSGSRQV1; the answer goes in the matching ...RSV1. */
  messageSet: string;
  /** The request wrapper, e.g. STMTTRNRQ; the response wrapper swaps RQ for RS. */
  wrapper: string;
  trnuid: string;
  cltCookie: string | null;
}

export type ItemRequest =
  | (Trn & { kind: 'profile'; profileUpdatedAt: Date | null })
  | (Trn & { kind: 'challenge' })
  | (Trn & { kind: 'accounts' })
  | (Trn & {
      kind: 'statement';
      account: AccountQuery;
      start: Date | null;
      end: Date | null;
      includeTransactions: boolean;
      /** Investment only (INCPOS, INCBAL); bank and card statements always carry balances. */
      includePositions: boolean;
      includeBalance: boolean;
    })
  | (Trn & { kind: 'unsupported' });

export interface SimRequest {
  signon: SignonRequest;
  items: ItemRequest[];
}

/** A date the request carries, or null when absent; a malformed one throws OfxParseError (the request is bad). */
function optionalDate(node: OfxNode | undefined, ...path: string[]): Date | null {
  const text = pathText(node, ...path);
  return text === null ? null : new Date(parseOfxDateTime(text));
}

function readSignon(sonrq: OfxNode | undefined): SignonRequest {
  const answers = (sonrq?.children ?? [])
    .filter((c) => c.name === 'MFACHALLENGEA' || c.name === 'MFACHALLENGEANSWER')
    .map((c) => ({ id: (pathText(c, 'MFAPHRASEID') ?? '').toUpperCase(), answer: pathText(c, 'MFAPHRASEA') ?? '' }));
  return {
    userId: pathText(sonrq, 'USERID'),
    password: pathText(sonrq, 'USERPASS'),
    clientUid: pathText(sonrq, 'CLIENTUID'),
    userCred1: pathText(sonrq, 'USERCRED1'),
    accessKey: pathText(sonrq, 'ACCESSKEY'),
    answers,
  };
}

function readStatement(trn: Trn, rq: OfxNode, kind: AccountQuery['kind'], from: string): ItemRequest {
  const acct = pathNode(rq, from);
  const account: AccountQuery = {
    kind,
    accountId: pathText(acct, 'ACCTID'),
    bankId: pathText(acct, 'BANKID'),
    accountType: pathText(acct, 'ACCTTYPE'),
    brokerId: pathText(acct, 'BROKERID'),
  };
  const inctran = pathNode(rq, 'INCTRAN');
  return {
    ...trn,
    kind: 'statement',
    account,
    start: optionalDate(inctran, 'DTSTART'),
    end: optionalDate(inctran, 'DTEND'),
    includeTransactions: inctran ? pathText(inctran, 'INCLUDE') !== 'N' : kind !== 'investment',
    includePositions: pathText(rq, 'INCPOS', 'INCLUDE') !== 'N',
    includeBalance: pathText(rq, 'INCBAL') !== 'N',
  };
}

function readItem(messageSet: string, wrapperNode: OfxNode): ItemRequest {
  const trn: Trn = {
    messageSet,
    wrapper: wrapperNode.name,
    trnuid: pathText(wrapperNode, 'TRNUID') ?? '0',
    cltCookie: pathText(wrapperNode, 'CLTCOOKIE'),
  };
  switch (wrapperNode.name) {
    case 'PROFTRNRQ':
      return { ...trn, kind: 'profile', profileUpdatedAt: optionalDate(wrapperNode, 'PROFRQ', 'DTPROFUP') };
    case 'MFACHALLENGETRNRQ':
      return { ...trn, kind: 'challenge' };
    case 'ACCTINFOTRNRQ':
      return { ...trn, kind: 'accounts' };
    case 'STMTTRNRQ':
      return readStatement(trn, pathNode(wrapperNode, 'STMTRQ') ?? wrapperNode, 'bank', 'BANKACCTFROM');
    case 'CCSTMTTRNRQ':
      return readStatement(trn, pathNode(wrapperNode, 'CCSTMTRQ') ?? wrapperNode, 'creditcard', 'CCACCTFROM');
    case 'INVSTMTTRNRQ':
      return readStatement(trn, pathNode(wrapperNode, 'INVSTMTRQ') ?? wrapperNode, 'investment', 'INVACCTFROM');
    default:
      return { ...trn, kind: 'unsupported' };
  }
}

/** The sign-on and every <xxxTRNRQ> of the request's message sets, in document order. */
export function readRequest(root: OfxNode): SimRequest {
  const signonSet = pathNode(root, 'SIGNONMSGSRQV1');
  const items: ItemRequest[] = [];
  for (const set of root.children ?? []) {
    for (const child of set.children ?? []) {
      if (child.name.endsWith('TRNRQ')) items.push(readItem(set.name, child));
    }
  }
  return { signon: readSignon(pathNode(signonSet, 'SONRQ')), items };
}
