/**
 * OFX date-times. Writing: YYYYMMDDHHMMSS.XXX[gmt offset:tz name], always with a zone so the bank never guesses.
 * Reading (lenient, for every shape real servers send) lives beside it.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats `date` as an OFX date-time in the zone `offsetMinutes` east of UTC (default: UTC),
 * e.g. 20261122130000.000[+0:UTC] or 20261122080000.000[-5].
 */
export function formatOfxDateTime(date: Date, offsetMinutes = 0): string {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const body =
    `${shifted.getUTCFullYear()}${pad(shifted.getUTCMonth() + 1)}${pad(shifted.getUTCDate())}` +
    `${pad(shifted.getUTCHours())}${pad(shifted.getUTCMinutes())}${pad(shifted.getUTCSeconds())}` +
    `.${pad(shifted.getUTCMilliseconds(), 3)}`;
  return `${body}[${formatOffset(offsetMinutes)}]`;
}

function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return '+0:UTC';
  // The offset is in decimal hours (+5.5 for India), which is how readers such as ofxtools take it.
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${sign}${Math.abs(offsetMinutes) / 60}`;
}

/** YYYYMMDD of `date` in UTC, for date-only elements such as DTSTART when a day is all that is meant. */
export function formatOfxDate(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}
