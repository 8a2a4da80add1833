/**
 * The simulated bank's books: deterministic transactions per user, account and day, balances that follow from
 * them, and investment positions. Everything is seeded from (user, account, day), so a day always holds the same
 * transactions with the same FITIDs (account + date + index) and re-syncs never see duplicates. Amounts are
 * integer cents; text stays within Latin-1 so SGML responses can be sent as CHARSET 1252 bytes.
 */
import { SeededRandom } from './rng.ts';
import type { SimAccount } from './accounts.ts';

/** The accounts were opened on this day: no data before it. */
export const HISTORY_START = new Date('2023-01-01T00:00:00.000Z');
/** A statement request without DTSTART gets this many days (many real banks keep about 90 days online). */
export const DEFAULT_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export interface SimSecurity {
  ticker: string;
  name: string;
  cusip: string;
  basePriceCents: number;
  initialUnits: number;
}

export const SECURITIES: readonly SimSecurity[] = [
  { ticker: 'PG', name: 'Procter & Gamble Co', cusip: '742718109', basePriceCents: 16_000, initialUnits: 50 },
  { ticker: 'T', name: 'AT&T Inc.', cusip: '00206R102', basePriceCents: 2_200, initialUnits: 200 },
  { ticker: 'VTI', name: 'Vanguard Total Stock Market ETF', cusip: '922908769', basePriceCents: 26_000, initialUnits: 30 },
];

export interface SimTransaction {
  fitid: string;
  /** TRNTYPE for bank and card; the aggregate name (BUYSTOCK, INCOME, INVBANKTRAN) for investment. */
  type: string;
  /** INVBANKTRAN only: the TRNTYPE of its STMTTRN. */
  bankType?: string;
  posted: Date;
  /** TRNAMT, or an investment transaction's TOTAL (its effect on cash). */
  amountCents: number;
  name: string | null;
  memo: string | null;
  checkNumber: string | null;
  trade?: { security: SimSecurity; units: number; unitPriceCents: number; commissionCents: number };
  income?: { security: SimSecurity; incomeType: 'DIV' };
}

export interface SimPosition {
  security: SimSecurity;
  units: number;
  unitPriceCents: number;
  marketValueCents: number;
  priceAsOf: Date;
}

export interface StatementData {
  account: SimAccount;
  /** The window actually served: [start, end), clamped to the account's history and the server clock. */
  start: Date;
  end: Date;
  transactions: SimTransaction[];
  /** Balance at `start` (cash for investment). */
  openingBalanceCents: number;
  /** Balance at `end`: opening plus every transaction in the window. */
  ledgerBalanceCents: number;
  /** Investment accounts: holdings at `end`; empty otherwise. */
  positions: SimPosition[];
}

const OPENING_BALANCE: Record<string, number> = { CHECKING: 250_000, SAVINGS: 1_000_000, CREDITCARD: -45_000, INVESTMENT: 500_000 };

function ymd(day: Date): string {
  return day.toISOString().slice(0, 10).replace(/-/g, '');
}

function startOfDay(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}

function isLastDayOfMonth(day: Date): boolean {
  return new Date(day.getTime() + DAY_MS).getUTCDate() === 1;
}

function monthsSinceHistoryStart(day: Date): number {
  return (day.getUTCFullYear() - HISTORY_START.getUTCFullYear()) * 12 + day.getUTCMonth() - HISTORY_START.getUTCMonth();
}

function accountKey(a: SimAccount): string {
  return a.kind === 'bank' ? a.accountType : a.kind === 'creditcard' ? 'CREDITCARD' : 'INVESTMENT';
}

/** A security's closing price on a day: deterministic noise around its base price. */
export function priceOn(security: SimSecurity, day: Date): number {
  return security.basePriceCents + new SeededRandom(`price|${security.cusip}|${ymd(startOfDay(day))}`).int(-300, 300);
}

interface Draft {
  type: string;
  bankType?: string;
  amountCents: number;
  name: string | null;
  memo: string | null;
  checkNumber?: string;
  trade?: SimTransaction['trade'];
  income?: SimTransaction['income'];
}

interface Shop {
  name: string;
  memo: string | null;
  min: number;
  max: number;
}

// Names with '&' and memos with accents on purpose: they must survive SGML escaping and CHARSET 1252.
const SHOPS: readonly Shop[] = [
  { name: 'Café Crème', memo: 'Café Crème & croissant', min: 450, max: 1_400 },
  { name: 'Whole Foods Market', memo: 'Groceries', min: 2_500, max: 14_000 },
  { name: 'Señor Taco', memo: 'Dîner à deux', min: 1_800, max: 5_200 },
  { name: 'Barnes & Noble', memo: null, min: 1_200, max: 6_000 },
  { name: 'Shell Oil 5744', memo: 'Fuel', min: 3_000, max: 7_500 },
  { name: 'Müller Bäckerei', memo: 'Brötchen', min: 300, max: 1_500 },
];

function checkingDay(day: Date, rng: SeededRandom): Draft[] {
  const dom = day.getUTCDate();
  const out: Draft[] = [];
  if (dom === 1 || dom === 15) out.push({ type: 'DIRECTDEP', amountCents: 245_000, name: 'ACME Corp Payroll', memo: 'Salary' });
  if (dom === 2) out.push({ type: 'XFER', amountCents: -50_000, name: 'Transfer to savings', memo: 'To 1000654321' });
  if (dom === 5) out.push({ type: 'DEBIT', amountCents: -rng.int(7_500, 9_900), name: 'AT&T', memo: 'Wireless bill' });
  if (dom === 20) {
    out.push({
      type: 'CHECK',
      amountCents: -210_000,
      name: 'Müller Properties',
      memo: 'Rent',
      checkNumber: String(1001 + monthsSinceHistoryStart(day)),
    });
  }
  if (dom === 25 && rng.chance(50)) {
    out.push({ type: 'CREDIT', amountCents: rng.int(2_000, 15_000), name: 'Procter & Gamble', memo: 'Expense refund' });
  }
  for (let n = rng.int(0, 2); n > 0; n--) {
    const shop = rng.pick(SHOPS);
    out.push({ type: 'POS', amountCents: -rng.int(shop.min, shop.max), name: shop.name, memo: shop.memo });
  }
  if (rng.chance(8)) {
    out.push({ type: 'ATM', amountCents: -rng.pick([2_000, 4_000, 6_000]), name: 'ATM Withdrawal', memo: 'Main St & 5th Ave' });
  }
  if (isLastDayOfMonth(day)) out.push({ type: 'FEE', amountCents: -500, name: 'Monthly service fee', memo: null });
  return out;
}

function savingsDay(day: Date, rng: SeededRandom): Draft[] {
  const out: Draft[] = [];
  if (day.getUTCDate() === 2) out.push({ type: 'XFER', amountCents: 50_000, name: 'Transfer from checking', memo: 'From 1000123456' });
  if (isLastDayOfMonth(day)) out.push({ type: 'INT', amountCents: rng.int(300, 900), name: 'Interest paid', memo: null });
  return out;
}

function cardDay(day: Date, rng: SeededRandom): Draft[] {
  const out: Draft[] = [];
  if (day.getUTCDate() === 10) out.push({ type: 'CREDIT', amountCents: rng.int(110_000, 150_000), name: 'Payment - Thank you', memo: null });
  for (let n = rng.int(0, 3); n > 0; n--) {
    const shop = rng.pick(SHOPS);
    out.push({ type: 'DEBIT', amountCents: -rng.int(shop.min, shop.max), name: shop.name, memo: shop.memo });
  }
  if (day.getUTCDate() === 12) out.push({ type: 'DEBIT', amountCents: -rng.int(7_500, 9_900), name: 'AT&T', memo: 'Home internet' });
  return out;
}

function investmentDay(day: Date, rng: SeededRandom): Draft[] {
  const dom = day.getUTCDate();
  const out: Draft[] = [];
  if (dom === 1) {
    out.push({ type: 'INVBANKTRAN', bankType: 'CREDIT', amountCents: 100_000, name: 'Monthly contribution', memo: 'Dépôt mensuel' });
  }
  if (dom === 3) {
    const security = rng.pick(SECURITIES);
    const units = rng.int(1, 3);
    const unitPriceCents = priceOn(security, day);
    const commissionCents = 495;
    out.push({
      type: 'BUYSTOCK',
      amountCents: -(units * unitPriceCents + commissionCents),
      name: null,
      memo: `Bought ${units} sh ${security.name}`,
      trade: { security, units, unitPriceCents, commissionCents },
    });
  }
  if (dom === 15 && day.getUTCMonth() % 3 === 2) {
    for (const security of SECURITIES) {
      out.push({
        type: 'INCOME',
        amountCents: rng.int(1_500, 6_000),
        name: null,
        memo: `Dividend ${security.name}`,
        income: { security, incomeType: 'DIV' },
      });
    }
  }
  return out;
}

function draftsFor(account: SimAccount, day: Date, rng: SeededRandom): Draft[] {
  switch (account.kind) {
    case 'bank':
      return account.accountType === 'CHECKING' ? checkingDay(day, rng) : savingsDay(day, rng);
    case 'creditcard':
      return cardDay(day, rng);
    case 'investment':
      return investmentDay(day, rng);
  }
}

export class Ledger {
  /** Generated days, memoised: balances sum every day since HISTORY_START. */
  private readonly days = new Map<string, SimTransaction[]>();

  /** The transactions posted on `day` (any instant of it), in posting order. */
  transactionsOn(userId: string, account: SimAccount, day: Date): SimTransaction[] {
    const d = startOfDay(day);
    if (d < HISTORY_START) return [];
    const key = `${userId}|${account.accountId}|${ymd(d)}`;
    const cached = this.days.get(key);
    if (cached) return cached;
    const drafts = draftsFor(account, d, new SeededRandom(key));
    // Posting times spread over the business day, so a window boundary inside a day splits it predictably.
    const list = drafts.map(
      (draft, index): SimTransaction => ({
        fitid: `${account.accountId}-${ymd(d)}-${index}`,
        type: draft.type,
        ...(draft.bankType ? { bankType: draft.bankType } : {}),
        posted: new Date(d.getTime() + (9 + index) * 3_600_000),
        amountCents: draft.amountCents,
        name: draft.name,
        memo: draft.memo,
        checkNumber: draft.checkNumber ?? null,
        ...(draft.trade ? { trade: draft.trade } : {}),
        ...(draft.income ? { income: draft.income } : {}),
      }),
    );
    this.days.set(key, list);
    return list;
  }

  /** Transactions with start <= posted < end. */
  transactionsBetween(userId: string, account: SimAccount, start: Date, end: Date): SimTransaction[] {
    const out: SimTransaction[] = [];
    for (let day = startOfDay(start); day < end; day = new Date(day.getTime() + DAY_MS)) {
      for (const t of this.transactionsOn(userId, account, day)) if (t.posted >= start && t.posted < end) out.push(t);
    }
    return out;
  }

  /** Balance (cash for investment) at instant `at`: the opening deposit plus everything posted before it. */
  balanceAt(userId: string, account: SimAccount, at: Date): number {
    let cents = OPENING_BALANCE[accountKey(account)] ?? 0;
    for (const t of this.transactionsBetween(userId, account, HISTORY_START, at)) cents += t.amountCents;
    return cents;
  }

  positionsAt(userId: string, account: SimAccount, at: Date): SimPosition[] {
    const units = new Map(SECURITIES.map((s) => [s.cusip, s.initialUnits]));
    for (const t of this.transactionsBetween(userId, account, HISTORY_START, at)) {
      if (t.trade) units.set(t.trade.security.cusip, (units.get(t.trade.security.cusip) ?? 0) + t.trade.units);
    }
    const priceDay = new Date(at.getTime() - 1);
    return SECURITIES.map((security) => {
      const held = units.get(security.cusip) ?? 0;
      const unitPriceCents = priceOn(security, priceDay);
      return { security, units: held, unitPriceCents, marketValueCents: held * unitPriceCents, priceAsOf: startOfDay(priceDay) };
    });
  }

  /**
   * The statement for [start, end): start defaults to DEFAULT_WINDOW_DAYS before end, end to now; both are clamped
   * to the account's history and the server clock (no future transactions).
   */
  statement(userId: string, account: SimAccount, window: { start?: Date | null; end?: Date | null }, now: Date): StatementData {
    let end = window.end && window.end < now ? window.end : now;
    if (end < HISTORY_START) end = HISTORY_START;
    let start = window.start ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (start < HISTORY_START) start = HISTORY_START;
    if (start > end) start = end;
    const transactions = this.transactionsBetween(userId, account, start, end);
    const openingBalanceCents = this.balanceAt(userId, account, start);
    const ledgerBalanceCents = transactions.reduce((sum, t) => sum + t.amountCents, openingBalanceCents);
    const positions = account.kind === 'investment' ? this.positionsAt(userId, account, end) : [];
    return { account, start, end, transactions, openingBalanceCents, ledgerBalanceCents, positions };
  }
}
