/** The statement JSON printed by `ofx-mfa parse` (DESIGN 4.2): a stable, documented shape for scripts. */
import type { OfxStatus, ParsedOfx, Statement, Transaction } from './types.ts';

export interface StatusJson {
  code: number;
  severity: string;
  message: string | null;
}

/** { fitid, type, posted, amount, name, memo, checkNumber }: the parser's Transaction is already this shape. */
export type TransactionJson = Transaction;

export interface StatementEntryJson {
  kind: 'bank' | 'creditcard' | 'investment';
  status: StatusJson;
  currency: string | null;
  account: { accountId: string; accountType: string | null; bankId: string | null; brokerId: string | null };
  start: string | null;
  end: string | null;
  ledgerBalance: { amount: string; asOf: string | null } | null;
  availableBalance: { amount: string; asOf: string | null } | null;
  transactions: TransactionJson[];
}

export interface StatementJson {
  header: { version: string; format: 'sgml' | 'xml' };
  signon: {
    status: StatusJson;
    serverTime: string | null;
    language: string | null;
    fi: { org: string | null; fid: string | null } | null;
    accessKey: string | null;
  } | null;
  challenges: Array<{ id: string; label: string | null; builtInLabel: string | null }>;
  statements: StatementEntryJson[];
}

function statusJson(s: OfxStatus): StatusJson {
  return { code: s.code, severity: s.severity, message: s.message };
}

function statementJson(s: Statement): StatementEntryJson {
  return {
    kind: s.kind,
    status: statusJson(s.status),
    currency: s.currency,
    account: {
      accountId: s.account.accountId,
      accountType: s.account.accountType,
      bankId: s.account.bankId,
      brokerId: s.account.brokerId,
    },
    start: s.start,
    end: s.end,
    ledgerBalance: s.ledgerBalance && { amount: s.ledgerBalance.amount, asOf: s.ledgerBalance.asOf },
    availableBalance: s.availableBalance && { amount: s.availableBalance.amount, asOf: s.availableBalance.asOf },
    // Transactions already have exactly the JSON shape (TransactionJson); they are shared rather than copied
    // because a statement can hold 100k of them.
    transactions: s.transactions,
  };
}

export function toStatementJson(parsed: ParsedOfx): StatementJson {
  const signon = parsed.signon;
  return {
    header: { version: parsed.header.version, format: parsed.header.format },
    signon: signon && {
      status: statusJson(signon.status),
      serverTime: signon.serverTime,
      language: signon.language,
      fi: signon.fi && { org: signon.fi.org, fid: signon.fi.fid },
      accessKey: signon.accessKey,
    },
    challenges: (parsed.challenge?.challenges ?? []).map((c) => ({ id: c.id, label: c.label, builtInLabel: c.builtInLabel })),
    statements: parsed.statements.map(statementJson),
  };
}
