/**
 * OFX amounts stay decimal strings with the bank's own digits: no float ever touches money.
 * The spec allows a period or a comma as the decimal mark and no grouping; some servers group anyway,
 * which is accepted only when the two marks make the reading unambiguous.
 */
import { OfxParseError } from '../errors.ts';
import { quoteValue } from './read/quote.ts';

// `\d*(?:\.\d*)?`, not `\d*\.?\d*`: with the point optional, the second run of digits could start anywhere in
// the first, and a long run of digits with junk at the end ("1111…x") backtracked quadratically.
const PLAIN = /^\d*(?:\.\d*)?$/;
const DECIMAL_COMMA = /^\d*,\d*$/;
/** 1,234,567.89 (or 1,234) with comma grouping and an optional point decimal. */
const COMMA_GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;
/** 1.234.567,89 with point grouping and a comma decimal. */
const POINT_GROUPED = /^\d{1,3}(\.\d{3})+,\d*$/;

/** "-200,00" → "-200.00", "+1.5" → "1.5", "1,234.56" → "1234.56"; anything else throws OfxParseError. */
export function normalizeAmount(text: string): string {
  const plain = plainAmount(text);
  if (plain !== null) return plain;
  const trimmed = text.trim();
  let sign = '';
  let body = trimmed;
  const first = trimmed.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) {
    sign = first === 45 ? '-' : '';
    body = trimmed.slice(1);
  }
  let normalized: string | null = null;
  if (PLAIN.test(body)) normalized = body;
  else if (DECIMAL_COMMA.test(body)) normalized = body.replace(',', '.');
  else if (POINT_GROUPED.test(body)) normalized = body.replace(/\./g, '').replace(',', '.');
  // A single comma ("1,234") was read as the spec's decimal comma above; here there are several, or a point too.
  else if (COMMA_GROUPED.test(body)) normalized = body.replace(/,/g, '');
  if (normalized === null || !/\d/.test(normalized)) {
    throw new OfxParseError(`invalid OFX amount ${quoteValue(text)}`);
  }
  return sign + normalized;
}

/**
 * The common case without regular expressions (this runs for every transaction): an optional sign, digits and
 * at most one point, no surrounding space. Returns null to let the general path decide.
 */
function plainAmount(text: string): string | null {
  const length = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) i = 1;
  let digits = 0;
  let points = 0;
  for (let j = i; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && points === 0) points++;
    else return null;
  }
  if (digits === 0) return null;
  return first === 43 ? text.slice(1) : text;
}
