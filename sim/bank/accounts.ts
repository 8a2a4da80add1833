/** The accounts every simulated user holds: checking and savings, a credit card and a brokerage account. */

export type SimAccount =
  | { kind: 'bank'; accountType: 'CHECKING' | 'SAVINGS'; accountId: string; bankId: string; description: string }
  | { kind: 'creditcard'; accountId: string; description: string }
  | { kind: 'investment'; accountId: string; brokerId: string; description: string };

export const SIM_BANK_ID = '123456789';
export const SIM_BROKER_ID = 'simbank.example';

export const SIM_ACCOUNTS: readonly SimAccount[] = [
  { kind: 'bank', accountType: 'CHECKING', accountId: '1000123456', bankId: SIM_BANK_ID, description: 'Everyday Checking' },
  { kind: 'bank', accountType: 'SAVINGS', accountId: '1000654321', bankId: SIM_BANK_ID, description: 'High Yield Savings' },
  { kind: 'creditcard', accountId: '4000001234567899', description: 'Rewards Visa' },
  { kind: 'investment', accountId: 'X0001234', brokerId: SIM_BROKER_ID, description: 'Brokerage' },
];

/** What a statement request names: the account aggregate's fields. */
export interface AccountQuery {
  kind: SimAccount['kind'];
  accountId: string | null;
  bankId?: string | null;
  accountType?: string | null;
  brokerId?: string | null;
}

/** The account a request means, or null (the statement then gets 2003, account not found). */
export function findAccount(query: AccountQuery): SimAccount | null {
  const found = SIM_ACCOUNTS.find((a) => {
    if (a.kind !== query.kind || a.accountId !== query.accountId) return false;
    if (a.kind === 'bank') return a.bankId === query.bankId && a.accountType === query.accountType;
    if (a.kind === 'investment') return a.brokerId === query.brokerId;
    return true;
  });
  return found ?? null;
}

/** The DESIGN 4.1 `accounts` entries: type, accountId, bankId (the broker ID for investment, null for a card). */
export function accountSummary(a: SimAccount): { type: string; accountId: string; bankId: string | null } {
  switch (a.kind) {
    case 'bank':
      return { type: a.accountType, accountId: a.accountId, bankId: a.bankId };
    case 'creditcard':
      return { type: 'CREDITCARD', accountId: a.accountId, bankId: null };
    case 'investment':
      return { type: 'INVESTMENT', accountId: a.accountId, bankId: a.brokerId };
  }
}
