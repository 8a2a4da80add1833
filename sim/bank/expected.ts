/**
 * The statement the bank would send, as JSON in the shape of DESIGN 4.2, for the admin endpoint: tests compare it
 * with what a client parsed from the OFX answer. Extra fields (openingBalance, positions) help check balances.
 */
import type { AccountRef, Transaction } from '../../core/ofx/types.ts';
import { accountSummary } from './accounts.ts';
import type { StatementData } from './ledger.ts';
import { centsToDecimal } from './money.ts';

export interface ExpectedStatement {
  kind: 'bank' | 'creditcard' | 'investment';
  currency: 'USD';
  account: Omit<AccountRef, 'kind'>;
  start: string;
  end: string;
  openingBalance: { amount: string; asOf: string };
  ledgerBalance: { amount: string; asOf: string };
  transactions: Transaction[];
  positions: Array<{ uniqueId: string; ticker: string; units: string; unitPrice: string; marketValue: string }>;
}

export function expectedStatement(data: StatementData): ExpectedStatement {
  const a = data.account;
  const summary = accountSummary(a);
  return {
    kind: a.kind,
    currency: 'USD',
    account: {
      accountId: a.accountId,
      accountType: a.kind === 'bank' ? a.accountType : null,
      bankId: a.kind === 'bank' ? summary.bankId : null,
      brokerId: a.kind === 'investment' ? a.brokerId : null,
    },
    start: data.start.toISOString(),
    end: data.end.toISOString(),
    openingBalance: { amount: centsToDecimal(data.openingBalanceCents), asOf: data.start.toISOString() },
    ledgerBalance: { amount: centsToDecimal(data.ledgerBalanceCents), asOf: data.end.toISOString() },
    transactions: data.transactions.map((t) => ({
      fitid: t.fitid,
      type: t.type,
      posted: t.posted.toISOString(),
      amount: centsToDecimal(t.amountCents),
      name: t.name,
      memo: t.memo,
      checkNumber: t.checkNumber,
    })),
    positions: data.positions.map((p) => ({
      uniqueId: p.security.cusip,
      ticker: p.security.ticker,
      units: String(p.units),
      unitPrice: centsToDecimal(p.unitPriceCents),
      marketValue: centsToDecimal(p.marketValueCents),
    })),
  };
}
