/**
 * Statements: bank (STMTRS, OFX 2.2 §11.4.2), credit card (CCSTMTRS, §11.4.3) and investment (INVSTMTRS, §13.9.2).
 * The checks here are what make a broken file fail cleanly instead of yielding wrong data: every transaction
 * needs a FITID, a real posting date and a real amount, and a balance with a date needs an amount.
 */
import { OfxParseError } from '../../errors.ts';
import { normalizeAmount } from '../amounts.ts';
import { parseOfxDateTime } from '../dates.ts';
import { keepHiddenClass } from '../keep-hidden-class.ts';
import { LazyAggregate } from '../lazy-node.ts';
import type { Compactor, LeafSink } from '../tokenizer.ts';
import type { OfxNode } from '../tree.ts';
import type { AccountKind, Balance, OfxStatus, Position, Statement, Transaction } from '../types.ts';
import { readAccountRef } from './accounts.ts';
import { amountAt, child, dateAt, optionalDate, quoteValue, text } from './values.ts';
import { elementName } from './quote.ts';

function describeTransaction(aggregate: string, fitid: string | undefined, index: number): string {
  const name = elementName(aggregate);
  return fitid ? `${name} FITID ${quoteValue(fitid)}` : `${name} #${index + 1}`;
}

/**
 * The fields of one STMTTRN as its leaves come, in a single pass: this runs once per transaction, so it
 * avoids repeated child lookups. Fed either from a node's children (readStmtTrn) or straight from the text
 * by the tokenizer's fast path (compactTransactions), so both read a transaction the same way.
 */
class StmtTrnFields {
  type: string | undefined = undefined;
  posted: string | undefined = undefined;
  amount: string | undefined = undefined;
  fitid: string | undefined = undefined;
  name: string | null = null;
  payeeName: string | null = null;
  memo: string | null = null;
  checkNumber: string | null = null;

  /** One child: `value` is undefined for an aggregate (only PAYEE is read as one). */
  take(element: string, value: string | undefined): void {
    switch (element) {
      case 'TRNTYPE':
        this.type = value;
        break;
      case 'DTPOSTED':
        this.posted = value;
        break;
      case 'TRNAMT':
        this.amount = value;
        break;
      case 'FITID':
        this.fitid = value ?? '';
        break;
      case 'NAME':
        this.name = value || null;
        break;
      case 'MEMO':
        this.memo = value || null;
        break;
      case 'CHECKNUM':
        this.checkNumber = value || null;
        break;
    }
  }

  reset(): void {
    this.type = this.posted = this.amount = this.fitid = undefined;
    this.name = this.payeeName = this.memo = this.checkNumber = null;
  }

  transaction(index: number, aggregate: string): Transaction {
    const { fitid, posted, amount, type } = this;
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
      type: type ? transactionType(type) : 'OTHER',
      posted: postedIso,
      amount: normalizedAmount,
      name: this.name ?? this.payeeName,
      memo: this.memo,
      checkNumber: this.checkNumber,
    };
  }
}

keepHiddenClass(new StmtTrnFields());

export function readStmtTrn(node: OfxNode, index: number, aggregate = 'STMTTRN'): Transaction {
  const early = earlyRead(node);
  if (early !== undefined) return early;
  const fields = new StmtTrnFields();
  for (const c of node.children ?? []) {
    if (c.name === 'PAYEE') fields.payeeName = text(c, 'NAME');
    else fields.take(c.name, c.value);
  }
  return fields.transaction(index, aggregate);
}

/** TRNTYPE values of OFX 2.2 §11.4.4.3, so that each transaction shares one string instead of keeping its own. */
const TRANSACTION_TYPES: ReadonlyMap<string, string> = new Map(
  ['CREDIT', 'DEBIT', 'INT', 'DIV', 'FEE', 'SRVCHG', 'DEP', 'ATM', 'POS', 'XFER', 'CHECK', 'PAYMENT', 'CASH',
    'DIRECTDEP', 'DIRECTDEBIT', 'REPEATPMT', 'HOLD', 'OTHER'].map((t) => [t, t]),
);

function transactionType(value: string): string {
  return TRANSACTION_TYPES.get(value) ?? upper(value);
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
  const early = earlyRead(node);
  if (early !== undefined) return early;
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
  const at = `${where} ${elementName(node.name)}${uniqueId ? ` ${quoteValue(uniqueId)}` : ''}`;
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
    // Tested through `value`: asking a compacted entry for its children would rebuild them.
    if (c.value === undefined) transactions.push(readInvestmentTransaction(c, transactions.length));
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

/**
 * Transactions are read as soon as the tokenizer closes them (the Compactor that parseOfx passes), and the
 * tree keeps a LazyAggregate in their place, so the ~7 leaf objects of each one die young instead of living
 * as long as the whole document: on a large statement the tree would otherwise cost more memory than the
 * text and the statement JSON together. Exactly what readBankStatement and readInvestmentStatement read is
 * read early: STMTTRN directly in BANKTRANLIST, and every aggregate directly in INVTRANLIST.
 *
 * A transaction that does not read (no FITID, a bad date, ...) stays a plain aggregate, so that the
 * statement reader reaches it in the usual order and reports it with its position (STMTTRN #3).
 */
export const compactTransactions: Compactor = {
  closed(node, parent, text, start, end) {
    let transaction: Transaction;
    try {
      if (parent === 'BANKTRANLIST' && node.name === 'STMTTRN') transaction = readStmtTrn(node, 0);
      else if (parent === 'INVTRANLIST') transaction = readInvestmentTransaction(node, 0);
      else return undefined;
    } catch (error) {
      if (error instanceof OfxParseError) return undefined;
      throw error;
    }
    return new LazyAggregate<Transaction>(node.name, text, start, end, transaction);
  },
  leafSink(name, parent) {
    if (name !== 'STMTTRN' || parent !== 'BANKTRANLIST') return undefined;
    stmtTrnSink.reset();
    return stmtTrnSink;
  },
};

/**
 * The tokenizer's fast path for a STMTTRN of leaves only (nearly all of them): its leaves never become nodes.
 * One instance serves every transaction; tokenizing is synchronous and rebuilding a LazyAggregate's children
 * never compacts, so it is never fed two transactions at once.
 */
const stmtTrnSink = new (class extends StmtTrnFields implements LeafSink {
  leaf(name: string, value: string): void {
    this.take(name, value);
  }

  finish(text: string, start: number, end: number): OfxNode | undefined {
    let transaction: Transaction;
    try {
      transaction = this.transaction(0, 'STMTTRN');
    } catch (error) {
      // Tokenized as usual instead, and reported by readBankStatement with its position.
      if (error instanceof OfxParseError) return undefined;
      throw error;
    }
    return new LazyAggregate<Transaction>('STMTTRN', text, start, end, transaction);
  }
})();

/**
 * The transaction compactTransactions read early, if `node` is one of its nodes and it has not been taken:
 * compactTransactions is the only maker of LazyAggregate nodes in a tree, and it always gives them a Transaction.
 */
function earlyRead(node: OfxNode): Transaction | undefined {
  return node instanceof LazyAggregate ? (node as LazyAggregate<Transaction>).takeSummary() : undefined;
}
