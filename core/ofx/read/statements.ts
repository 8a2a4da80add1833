/**
 * Statements: bank (STMTRS, OFX 2.2 §11.4.2), credit card (CCSTMTRS, §11.4.3) and investment (INVSTMTRS, §13.9.2).
 * The checks here are what make a broken file fail cleanly instead of yielding wrong data: every transaction
 * needs a FITID, a real posting date and a real amount, and a balance with a date needs an amount.
 */
import { OfxParseError } from '../../errors.ts';
import { normalizeAmount } from '../amounts.ts';
import { parseOfxDateTime } from '../dates.ts';
import type { OfxNode } from '../tree.ts';
import type { AccountKind, Balance, OfxStatus, Position, Statement, Transaction } from '../types.ts';
import { readAccountRef } from './accounts.ts';
import { amountAt, child, dateAt, optionalDate, quoteValue, text } from './values.ts';

function describeTransaction(aggregate: string, fitid: string | undefined, index: number): string {
  return fitid ? `${aggregate} FITID ${quoteValue(fitid)}` : `${aggregate} #${index + 1}`;
}

/**
 * One STMTTRN, read in a single pass over its children: this runs once per transaction, so it avoids
 * repeated child lookups.
 */
export function readStmtTrn(node: OfxNode, index: number, aggregate = 'STMTTRN'): Transaction {
  let type: string | undefined;
  let posted: string | undefined;
  let amount: string | undefined;
  let fitid: string | undefined;
  let name: string | null = null;
  let payeeName: string | null = null;
  let memo: string | null = null;
  let checkNumber: string | null = null;
  for (const c of node.children ?? []) {
    const value = c.value;
    switch (c.name) {
      case 'TRNTYPE':
        type = value;
        break;
      case 'DTPOSTED':
        posted = value;
        break;
      case 'TRNAMT':
        amount = value;
        break;
      case 'FITID':
        fitid = value ?? '';
        break;
      case 'NAME':
        name = value || null;
        break;
      case 'PAYEE':
        payeeName = text(c, 'NAME');
        break;
      case 'MEMO':
        memo = value || null;
        break;
      case 'CHECKNUM':
        checkNumber = value || null;
        break;
    }
  }
  // Error context is built only on the error path: this runs once per transaction.
  if (fitid === undefined || !posted || !amount) {
    const missing = fitid === undefined ? 'FITID' : !posted ? 'DTPOSTED' : 'TRNAMT';
    throw new OfxParseError(`${describeTransaction(aggregate, fitid, index)} has no ${missing}`);
  }
  let postedIso: string;
  let normalizedAmount: string;
  try {
    postedIso = parseOfxDateTime(posted);
    normalizedAmount = normalizeAmount(amount);
  } catch (error) {
    if (!(error instanceof OfxParseError)) throw error;
    throw new OfxParseError(`${describeTransaction(aggregate, fitid, index)}: ${error.message}`);
  }
  return {
    fitid,
    type: type ? upper(type) : 'OTHER',
    posted: postedIso,
    amount: normalizedAmount,
    name: name ?? payeeName,
    memo,
    checkNumber,
  };
}

/** Upper-cases only when needed (Credit → CREDIT), sparing an allocation per transaction otherwise. */
function upper(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) return value.toUpperCase();
  }
  return value;
}

/** LEDGERBAL / AVAILBAL. An entirely blank one (no amount, no date) is a placeholder and reads as absent. */
function readBalance(owner: OfxNode, list: OfxNode | undefined, name: string, where: string): Balance | null {
  // A bank that never closes BANKTRANLIST (Nubank) leaves the balances inside it.
  const node = child(owner, name) ?? child(list, name);
  if (!node) return null;
  const amount = text(node, 'BALAMT');
  const asOf = optionalDate(node, 'DTASOF', `${where} ${name}`);
  if (amount === null) {
    if (asOf === null) return null;
    throw new OfxParseError(`${where} ${name} has an empty BALAMT`);
  }
  return { amount: amountAt(amount, `${where} ${name} BALAMT`), asOf };
}

function readBankStatement(body: OfxNode, kind: AccountKind, trnuid: string | null, status: OfxStatus): Statement {
  const where = body.name;
  const list = child(body, 'BANKTRANLIST');
  const transactions: Transaction[] = [];
  for (const c of list?.children ?? []) if (c.name === 'STMTTRN') transactions.push(readStmtTrn(c, transactions.length));
  return {
    kind,
    trnuid,
    status,
    currency: text(body, 'CURDEF'),
    account: readAccountRef(body, kind, where),
    start: optionalDate(list, 'DTSTART', `${where} BANKTRANLIST`),
    end: optionalDate(list, 'DTEND', `${where} BANKTRANLIST`),
    ledgerBalance: readBalance(body, list, 'LEDGERBAL', where),
    availableBalance: readBalance(body, list, 'AVAILBAL', where),
    transactions,
    positions: [],
  };
}

/** `name` as a child of `node` or of one of its child aggregates (INVTRAN sits inside INVBUY in BUYSTOCK). */
function nearChild(node: OfxNode, name: string): OfxNode | undefined {
  const direct = child(node, name);
  if (direct) return direct;
  for (const c of node.children ?? []) {
    const found = c.children ? child(c, name) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * One INVTRANLIST entry: type is its aggregate name (BUYSTOCK, INCOME, INVBANKTRAN, ...), amount its TOTAL
 * (or TRNAMT). Entries that move no cash (TRANSFER of units, SPLIT) have neither and read as amount "0".
 */
function readInvestmentTransaction(node: OfxNode, index: number): Transaction {
  if (node.name === 'INVBANKTRAN') {
    const stmttrn = child(node, 'STMTTRN');
    if (!stmttrn) throw new OfxParseError(`INVBANKTRAN #${index + 1} has no STMTTRN`);
    return { ...readStmtTrn(stmttrn, index, 'INVBANKTRAN'), type: 'INVBANKTRAN' };
  }
  const invtran = nearChild(node, 'INVTRAN');
  const fitid = invtran ? child(invtran, 'FITID')?.value : undefined;
  const where = describeTransaction(node.name, fitid, index);
  if (fitid === undefined) throw new OfxParseError(`${where} has no INVTRAN/FITID`);
  const posted = text(invtran, 'DTTRADE') ?? text(invtran, 'DTPOSTED');
  if (posted === null) throw new OfxParseError(`${where} has no DTTRADE`);
  const amount = nearChild(node, 'TOTAL')?.value?.trim() || text(node, 'TRNAMT');
  return {
    fitid,
    type: node.name,
    posted: dateAt(posted, `${where} DTTRADE`),
    amount: amount ? amountAt(amount, `${where} TOTAL`) : '0',
    name: null,
    memo: text(invtran, 'MEMO'),
    checkNumber: null,
  };
}

function readPosition(node: OfxNode, where: string): Position {
  const invpos = child(node, 'INVPOS');
  const secid = child(invpos, 'SECID');
  const uniqueId = text(secid, 'UNIQUEID');
  const units = text(invpos, 'UNITS');
  const at = `${where} ${node.name}${uniqueId ? ` ${quoteValue(uniqueId)}` : ''}`;
  if (units === null) throw new OfxParseError(`${at} has no UNITS`);
  const unitPrice = text(invpos, 'UNITPRICE');
  const marketValue = text(invpos, 'MKTVAL');
  return {
    type: node.name,
    securityId: uniqueId ? { uniqueId, uniqueIdType: text(secid, 'UNIQUEIDTYPE') ?? '' } : null,
    heldInAccount: text(invpos, 'HELDINACCT'),
    positionType: text(invpos, 'POSTYPE'),
    units: amountAt(units, `${at} UNITS`),
    unitPrice: unitPrice === null ? null : amountAt(unitPrice, `${at} UNITPRICE`),
    marketValue: marketValue === null ? null : amountAt(marketValue, `${at} MKTVAL`),
    priceAsOf: optionalDate(invpos, 'DTPRICEASOF', at),
  };
}

function readInvestmentStatement(body: OfxNode, trnuid: string | null, status: OfxStatus): Statement {
  const where = body.name;
  const list = child(body, 'INVTRANLIST');
  const transactions: Transaction[] = [];
  for (const c of list?.children ?? []) {
    if (c.children) transactions.push(readInvestmentTransaction(c, transactions.length));
  }
  const positions = (child(body, 'INVPOSLIST')?.children ?? [])
    .filter((c) => c.children)
    .map((c) => readPosition(c, `${where} INVPOSLIST`));
  const asOf = optionalDate(body, 'DTASOF', where);
  const availCash = text(child(body, 'INVBAL'), 'AVAILCASH');
  return {
    kind: 'investment',
    trnuid,
    status,
    currency: text(body, 'CURDEF'),
    account: readAccountRef(body, 'investment', where),
    start: optionalDate(list, 'DTSTART', `${where} INVTRANLIST`),
    end: optionalDate(list, 'DTEND', `${where} INVTRANLIST`),
    ledgerBalance: null,
    availableBalance: availCash === null ? null : { amount: amountAt(availCash, `${where} INVBAL AVAILCASH`), asOf },
    transactions,
    positions,
  };
}

/** Statement bodies by element name. */
export const STATEMENT_BODIES: Readonly<Record<string, AccountKind>> = {
  STMTRS: 'bank',
  CCSTMTRS: 'creditcard',
  INVSTMTRS: 'investment',
};

export function readStatement(body: OfxNode, trnuid: string | null, status: OfxStatus): Statement | null {
  const kind = STATEMENT_BODIES[body.name];
  if (!kind || !body.children) return null;
  return kind === 'investment' ? readInvestmentStatement(body, trnuid, status) : readBankStatement(body, kind, trnuid, status);
}
