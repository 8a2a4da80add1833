/**
 * The fuzzer's oracle: what counts as a correct answer to any input at all (DESIGN 4.3). parseOfx +
 * toStatementJson either give a statement JSON that keeps its promises (ISO instants, decimal-string amounts,
 * nothing an entity could have expanded into), or throw an OfxParseError named so, with a short one-line
 * message. Anything else (a TypeError, a RangeError, a multi-line or megabyte message) is a failure.
 */
import { OfxParseError } from '../core/errors.ts';
import { parseOfx } from '../core/ofx/parse.ts';
import { toStatementJson, type StatementJson } from '../core/ofx/statement-json.ts';

export type Verdict = { ok: true; outcome: 'result' | 'refused' } | { ok: false; problem: string };

/** Longer than this is not "a clear one-line error" any more (it would be quoting the input). */
export const MAX_MESSAGE_LENGTH = 300;

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const AMOUNT = /^-?(?:\d+\.?\d*|\.\d+)$/;
/** What the entity tricks of mutations.ts would expand into, if anything ever expanded them. */
const EXPANSIONS = /root:.*:0:0:|lollollol/;

function invalidIn(json: StatementJson): string | null {
  const instants: Array<[string, string | null]> = [['signon.serverTime', json.signon?.serverTime ?? null]];
  for (const [i, s] of json.statements.entries()) {
    instants.push([`statements[${i}].start`, s.start], [`statements[${i}].end`, s.end]);
    for (const [name, balance] of [['ledgerBalance', s.ledgerBalance], ['availableBalance', s.availableBalance]] as const) {
      if (balance === null) continue;
      if (!AMOUNT.test(balance.amount)) return `statements[${i}].${name}.amount is ${JSON.stringify(balance.amount.slice(0, 40))}`;
      instants.push([`statements[${i}].${name}.asOf`, balance.asOf]);
    }
    for (const [j, t] of s.transactions.entries()) {
      if (typeof t.fitid !== 'string') return `statements[${i}].transactions[${j}].fitid is not a string`;
      if (!AMOUNT.test(t.amount)) return `statements[${i}].transactions[${j}].amount is ${JSON.stringify(t.amount.slice(0, 40))}`;
      if (!ISO.test(t.posted)) return `statements[${i}].transactions[${j}].posted is ${JSON.stringify(t.posted.slice(0, 40))}`;
    }
  }
  for (const [where, value] of instants) {
    if (value !== null && (!ISO.test(value) || Number.isNaN(Date.parse(value)))) return `${where} is ${JSON.stringify(value.slice(0, 40))}`;
  }
  return null;
}

export function checkInput(bytes: Uint8Array): Verdict {
  let json: StatementJson;
  let text: string;
  try {
    json = toStatementJson(parseOfx(bytes));
    text = JSON.stringify(json);
  } catch (error) {
    if (!(error instanceof OfxParseError) || error.name !== 'OfxParseError') {
      const name = error instanceof Error ? error.name : typeof error;
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: `threw ${name} instead of OfxParseError: ${message.split('\n')[0]?.slice(0, 200)}` };
    }
    if (error.message === '' || /[\r\n]/.test(error.message)) return { ok: false, problem: `OfxParseError message is not one line: ${JSON.stringify(error.message.slice(0, 200))}` };
    if (error.message.length > MAX_MESSAGE_LENGTH) return { ok: false, problem: `OfxParseError message is ${error.message.length} characters long: ${error.message.slice(0, 120)}…` };
    return { ok: true, outcome: 'refused' };
  }
  const invalid = invalidIn(json);
  if (invalid) return { ok: false, problem: `result breaks the statement JSON contract: ${invalid}` };
  if (EXPANSIONS.test(text)) return { ok: false, problem: 'result holds text an entity declaration would expand into' };
  return { ok: true, outcome: 'result' };
}
