/**
 * Money in the simulated bank is integer cents from end to end; it becomes a decimal string only when written.
 * No float ever touches an amount, so sums stay exact however many transactions a window holds.
 */

/** -1234 → "-12.34", 5 → "0.05", 0 → "0.00". */
export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError('amount in cents must be a safe integer');
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "-12.34" → -1234; for tests and the admin endpoint comparing what a client parsed. Two decimals at most. */
export function decimalToCents(text: string): number {
  const match = /^([+-])?(\d+)(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${text}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}
