/**
 * Response aggregates of the simulated bank, in the spec's element order (OFX 2.2 sections cited; ofxtools'
 * models agree). Pure functions from bank data to OfxNode trees; serialize.ts writes them as SGML or XML.
 */
import { aggregate, leaf, optionalLeaf } from '../../core/ofx/tree.ts';
import type { OfxNode } from '../../core/ofx/tree.ts';
import { formatOfxDateTime } from '../../core/ofx/dates.ts';
import { describeStatus } from '../../core/status.ts';
import { centsToDecimal } from './money.ts';
import { SECURITIES } from './ledger.ts';
import type { SimSecurity, SimTransaction, StatementData } from './ledger.ts';
import type { SimAccount } from './accounts.ts';
import { SIM_ACCOUNTS } from './accounts.ts';
import type { SimQuestion } from './scenarios.ts';

export const SIM_ORG = 'SIMBANK';
export const SIM_FID = '1001';
/** A card's credit line: AVAILBAL = limit + LEDGERBAL (the balance owed is negative). */
const CREDIT_LIMIT_CENTS = 500_000;

const dt = (d: Date): string => formatOfxDateTime(d);

/** STATUS (§3.1.5); the severity comes from the shared status table. */
export function status(code: number, message?: string): OfxNode {
  return aggregate('STATUS', [
    leaf('CODE', String(code)),
    leaf('SEVERITY', describeStatus(code).severity),
    optionalLeaf('MESSAGE', message),
  ]);
}

/** SONRS (§2.5.1.3): STATUS, DTSERVER, LANGUAGE, FI, ACCESSKEY. */
export function sonrs(code: number, now: Date, accessKey: string | null, message?: string): OfxNode {
  return aggregate('SONRS', [
    status(code, message),
    leaf('DTSERVER', dt(now)),
    leaf('LANGUAGE', 'ENG'),
    aggregate('FI', [leaf('ORG', SIM_ORG), leaf('FID', SIM_FID)]),
    optionalLeaf('ACCESSKEY', accessKey),
  ]);
}

/** A transaction wrapper (§2.4.6): TRNUID, STATUS, CLTCOOKIE, then the response aggregate when there is one. */
export function trnrs(
  item: { wrapper: string; trnuid: string; cltCookie: string | null },
  code: number,
  body: OfxNode | null,
  message?: string,
): OfxNode {
  return aggregate(item.wrapper.replace(/RQ$/, 'RS'), [
    leaf('TRNUID', item.trnuid),
    status(code, message),
    optionalLeaf('CLTCOOKIE', item.cltCookie),
    body,
  ]);
}

/** MFACHALLENGERS (§2.5.4.2): standard phrases may go without a label; bank-specific ones carry theirs. */
export function mfaChallengeRs(questions: readonly SimQuestion[]): OfxNode {
  return aggregate(
    'MFACHALLENGERS',
    questions.map((q) => aggregate('MFACHALLENGE', [leaf('MFAPHRASEID', q.id), optionalLeaf('MFAPHRASELABEL', q.label)])),
  );
}

function accountFrom(a: SimAccount): OfxNode {
  switch (a.kind) {
    case 'bank':
      return aggregate('BANKACCTFROM', [leaf('BANKID', a.bankId), leaf('ACCTID', a.accountId), leaf('ACCTTYPE', a.accountType)]);
    case 'creditcard':
      return aggregate('CCACCTFROM', [leaf('ACCTID', a.accountId)]);
    case 'investment':
      return aggregate('INVACCTFROM', [leaf('BROKERID', a.brokerId), leaf('ACCTID', a.accountId)]);
  }
}

function accountInfo(a: SimAccount): OfxNode {
  const service = (name: string, extra: OfxNode[]): OfxNode => aggregate(name, [accountFrom(a), ...extra, leaf('SVCSTATUS', 'ACTIVE')]);
  const transfers = [leaf('SUPTXDL', 'Y'), leaf('XFERSRC', 'N'), leaf('XFERDEST', 'N')];
  const info =
    a.kind === 'bank'
      ? service('BANKACCTINFO', transfers)
      : a.kind === 'creditcard'
        ? service('CCACCTINFO', transfers)
        : service('INVACCTINFO', [leaf('USPRODUCTTYPE', 'TAXABLE'), leaf('CHECKING', 'N')]);
  return aggregate('ACCTINFO', [leaf('DESC', a.description), info]);
}

/** ACCTINFORS (§8.5.2): every account, each ACTIVE. */
export function acctInfoRs(updatedAt: Date): OfxNode {
  return aggregate('ACCTINFORS', [leaf('DTACCTUP', dt(updatedAt)), ...SIM_ACCOUNTS.map(accountInfo)]);
}

/** STMTTRN (§11.4.4.1): TRNTYPE, DTPOSTED, TRNAMT, FITID, CHECKNUM, NAME, MEMO. */
function stmtTrn(t: SimTransaction, type = t.type): OfxNode {
  return aggregate('STMTTRN', [
    leaf('TRNTYPE', type),
    leaf('DTPOSTED', dt(t.posted)),
    leaf('TRNAMT', centsToDecimal(t.amountCents)),
    leaf('FITID', t.fitid),
    optionalLeaf('CHECKNUM', t.checkNumber),
    optionalLeaf('NAME', t.name),
    optionalLeaf('MEMO', t.memo),
  ]);
}

function balance(name: string, cents: number, asOf: Date): OfxNode {
  return aggregate(name, [leaf('BALAMT', centsToDecimal(cents)), leaf('DTASOF', dt(asOf))]);
}

/** STMTRS (§11.4.2.2) or CCSTMTRS (§11.4.3.2): CURDEF, account, BANKTRANLIST, LEDGERBAL, AVAILBAL. */
export function bankStatementRs(data: StatementData, includeTransactions: boolean): OfxNode {
  const card = data.account.kind === 'creditcard';
  const available = card ? CREDIT_LIMIT_CENTS + data.ledgerBalanceCents : data.ledgerBalanceCents;
  return aggregate(card ? 'CCSTMTRS' : 'STMTRS', [
    leaf('CURDEF', 'USD'),
    accountFrom(data.account),
    includeTransactions &&
      aggregate('BANKTRANLIST', [leaf('DTSTART', dt(data.start)), leaf('DTEND', dt(data.end)), ...data.transactions.map((t) => stmtTrn(t))]),
    balance('LEDGERBAL', data.ledgerBalanceCents, data.end),
    balance('AVAILBAL', available, data.end),
  ]);
}

function secId(s: SimSecurity): OfxNode {
  return aggregate('SECID', [leaf('UNIQUEID', s.cusip), leaf('UNIQUEIDTYPE', 'CUSIP')]);
}

function invTran(t: SimTransaction): OfxNode {
  return aggregate('INVTRAN', [leaf('FITID', t.fitid), leaf('DTTRADE', dt(t.posted)), optionalLeaf('MEMO', t.memo)]);
}

/** One INVTRANLIST entry (§13.9.2.4): BUYSTOCK, INCOME or INVBANKTRAN. */
function invTransaction(t: SimTransaction): OfxNode {
  if (t.trade) {
    return aggregate('BUYSTOCK', [
      aggregate('INVBUY', [
        invTran(t),
        secId(t.trade.security),
        leaf('UNITS', String(t.trade.units)),
        leaf('UNITPRICE', centsToDecimal(t.trade.unitPriceCents)),
        leaf('COMMISSION', centsToDecimal(t.trade.commissionCents)),
        leaf('TOTAL', centsToDecimal(t.amountCents)),
        leaf('SUBACCTSEC', 'CASH'),
        leaf('SUBACCTFUND', 'CASH'),
      ]),
      leaf('BUYTYPE', 'BUY'),
    ]);
  }
  if (t.income) {
    return aggregate('INCOME', [
      invTran(t),
      secId(t.income.security),
      leaf('INCOMETYPE', t.income.incomeType),
      leaf('TOTAL', centsToDecimal(t.amountCents)),
      leaf('SUBACCTSEC', 'CASH'),
      leaf('SUBACCTFUND', 'CASH'),
    ]);
  }
  return aggregate('INVBANKTRAN', [stmtTrn(t, t.bankType ?? 'OTHER'), leaf('SUBACCTFUND', 'CASH')]);
}

/** INVSTMTRS (§13.9.2.2): DTASOF, CURDEF, INVACCTFROM, INVTRANLIST, INVPOSLIST, INVBAL. */
export function investmentStatementRs(
  data: StatementData,
  include: { transactions: boolean; positions: boolean; balance: boolean },
): OfxNode {
  return aggregate('INVSTMTRS', [
    leaf('DTASOF', dt(data.end)),
    leaf('CURDEF', 'USD'),
    accountFrom(data.account),
    include.transactions &&
      aggregate('INVTRANLIST', [leaf('DTSTART', dt(data.start)), leaf('DTEND', dt(data.end)), ...data.transactions.map(invTransaction)]),
    include.positions &&
      aggregate(
        'INVPOSLIST',
        data.positions.map((p) =>
          aggregate('POSSTOCK', [
            aggregate('INVPOS', [
              secId(p.security),
              leaf('HELDINACCT', 'CASH'),
              leaf('POSTYPE', 'LONG'),
              leaf('UNITS', String(p.units)),
              leaf('UNITPRICE', centsToDecimal(p.unitPriceCents)),
              leaf('MKTVAL', centsToDecimal(p.marketValueCents)),
              leaf('DTPRICEASOF', dt(p.priceAsOf)),
            ]),
          ]),
        ),
      ),
    include.balance &&
      aggregate('INVBAL', [
        leaf('AVAILCASH', centsToDecimal(data.ledgerBalanceCents)),
        leaf('MARGINBALANCE', '0.00'),
        leaf('SHORTBALANCE', '0.00'),
      ]),
  ]);
}

/** SECLIST (§13.8.4), sent unwrapped in SECLISTMSGSRSV1 alongside investment statements. */
export function secList(data: StatementData): OfxNode {
  const prices = new Map(data.positions.map((p) => [p.security.cusip, p]));
  return aggregate(
    'SECLIST',
    SECURITIES.map((s) => {
      const p = prices.get(s.cusip);
      return aggregate('STOCKINFO', [
        aggregate('SECINFO', [
          secId(s),
          leaf('SECNAME', s.name),
          leaf('TICKER', s.ticker),
          p && leaf('UNITPRICE', centsToDecimal(p.unitPriceCents)),
          p && leaf('DTASOF', dt(p.priceAsOf)),
        ]),
      ]);
    }),
  );
}

/** Response message sets in the order OFX 2.2 §2.4.3 lists them. */
const MESSAGE_SET_ORDER = [
  'SIGNONMSGSRSV1',
  'SIGNUPMSGSRSV1',
  'BANKMSGSRSV1',
  'CREDITCARDMSGSRSV1',
  'INVSTMTMSGSRSV1',
  'INTERXFERMSGSRSV1',
  'WIREXFERMSGSRSV1',
  'BILLPAYMSGSRSV1',
  'EMAILMSGSRSV1',
  'SECLISTMSGSRSV1',
  'PRESDIRMSGSRSV1',
  'PRESDLVMSGSRSV1',
  'PROFMSGSRSV1',
];

/** Collects response aggregates per message set and writes the OFX root with the sets in spec order. */
export class ResponseBuilder {
  private readonly sets = new Map<string, OfxNode[]>();

  add(messageSet: string, node: OfxNode): void {
    const list = this.sets.get(messageSet) ?? [];
    list.push(node);
    this.sets.set(messageSet, list);
  }

  root(): OfxNode {
    const rank = (name: string): number => {
      const i = MESSAGE_SET_ORDER.indexOf(name);
      return i === -1 ? MESSAGE_SET_ORDER.length : i;
    };
    const names = [...this.sets.keys()].sort((a, b) => rank(a) - rank(b));
    return aggregate(
      'OFX',
      names.map((name) => aggregate(name, this.sets.get(name) ?? [])),
    );
  }
}
