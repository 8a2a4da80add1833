/**
 * OFX date-times. Writing: YYYYMMDDHHMMSS.XXX[gmt offset:tz name], always with a zone so the bank never guesses.
 * Reading (lenient, for every shape real servers send) lives beside it.
 */
import { OfxParseError } from '../errors.ts';
import { quoteValue } from './read/quote.ts';

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

// ---------------------------------------------------------------------------------------------------------------
// Reading. Servers send every shape the spec allows and a few it does not: YYYYMMDD, YYYYMMDDHHMM,
// YYYYMMDDHHMMSS, a fraction after '.' (or ':' from one bank), and a zone as [-5:EST], [-5], [+5.5:IST],
// [0:GMT] or even [-:EST] (name only). No zone means UTC, as the spec says.

/** Zone names seen without a number ([-:EST]); anything else unnamed counts as UTC. Hours east of UTC. */
const ZONE_HOURS: Readonly<Record<string, number>> = {
  GMT: 0, UTC: 0, Z: 0,
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
  AKST: -9, AKDT: -8, HST: -10, AST: -4, ADT: -3, NST: -3.5, NDT: -2.5,
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function invalid(text: string, why: string): OfxParseError {
  return new OfxParseError(`invalid OFX date-time ${quoteValue(text)}: ${why}`);
}

/** Reads `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Hours east of UTC from the inside of a zone bracket: "-5:EST", "+5.5", "0:GMT", "-:EST", "-0500". */
function zoneHours(inside: string, whole: string): number {
  const colon = inside.indexOf(':');
  const numberPart = (colon === -1 ? inside : inside.slice(0, colon)).trim();
  const namePart = colon === -1 ? '' : inside.slice(colon + 1).trim().toUpperCase();
  if (numberPart === '' || numberPart === '+' || numberPart === '-') {
    return ZONE_HOURS[namePart] ?? 0;
  }
  if (/^[+-]?\d{4}$/.test(numberPart)) {
    // [-0500]: hours and minutes, as some servers write it.
    const sign = numberPart.startsWith('-') ? -1 : 1;
    const abs = numberPart.replace(/^[+-]/, '');
    return sign * (Number(abs.slice(0, 2)) + Number(abs.slice(2)) / 60);
  }
  if (!/^[+-]?\d{1,2}(\.\d+)?$/.test(numberPart)) throw invalid(whole, 'bad time zone');
  const hours = Number(numberPart);
  if (hours < -12 || hours > 14) throw invalid(whole, 'time zone out of range');
  return hours;
}

/**
 * The usual zones ([-5], [-5:EST], [+5.5:IST], [0:GMT]) read straight from the characters between `from` and
 * `to`, without slicing: this runs for every transaction. Null for anything else (zoneHours decides).
 */
function simpleZoneHours(s: string, from: number, to: number): number | null {
  let i = from;
  let sign = 1;
  const first = s.charCodeAt(i);
  if (first === 45 /* - */ || first === 43 /* + */) {
    sign = first === 45 ? -1 : 1;
    i++;
  }
  let hours = 0;
  let count = 0;
  for (let c = s.charCodeAt(i); i < to && c >= 48 && c <= 57; c = s.charCodeAt(++i)) {
    hours = hours * 10 + (c - 48);
    count++;
  }
  if (count === 0 || count > 2) return null;
  if (s.charCodeAt(i) === 46 /* . */) {
    let scale = 0.1;
    i++;
    for (let c = s.charCodeAt(i); i < to && c >= 48 && c <= 57; c = s.charCodeAt(++i)) {
      hours += (c - 48) * scale;
      scale /= 10;
    }
  }
  if (i !== to && s.charCodeAt(i) !== 58 /* : */) return null;
  if (hours > 14) return null;
  return sign * hours;
}

/**
 * Parses an OFX date or date-time into an ISO 8601 UTC instant (`2026-10-05T17:00:00.000Z`).
 * Throws OfxParseError naming the value when it is not a real date.
 */
export function parseOfxDateTime(text: string): string {
  // Statements repeat the same posting date line after line; remembering the last answer is free.
  if (text === lastInput) return lastOutput;
  const output = parseUncached(text);
  lastInput = text;
  lastOutput = output;
  return output;
}

let lastInput = '';
let lastOutput = '';

function parseUncached(text: string): string {
  const s = text.trim();
  if (s.length < 8) throw invalid(text, s === '' ? 'empty' : 'too short');
  const year = digits(s, 0, 4);
  const month = digits(s, 4, 2);
  const day = digits(s, 6, 2);
  if (year < 0 || month < 0 || day < 0) throw invalid(text, 'expected YYYYMMDD');
  let pos = 8;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offsetHours = 0;
  const timeDigits = countDigits(s, pos);
  if (timeDigits === 4 || timeDigits === 6) {
    hour = digits(s, pos, 2);
    minute = digits(s, pos + 2, 2);
    if (timeDigits === 6) second = digits(s, pos + 4, 2);
    pos += timeDigits;
  } else if (timeDigits !== 0) {
    throw invalid(text, 'expected HHMM or HHMMSS after the date');
  }
  // Guarded rather than reading past the end (NaN): an out-of-bounds read deoptimizes this hot function.
  const sep = pos < s.length ? s.charCodeAt(pos) : -1;
  if (timeDigits === 6 && (sep === 46 /* . */ || sep === 58 /* : */)) {
    const count = countDigits(s, pos + 1);
    if (count < 1 || count > 6) throw invalid(text, 'bad fraction of a second');
    const used = Math.min(count, 3);
    millis = digits(s, pos + 1, used) * (used === 3 ? 1 : used === 2 ? 10 : 100);
    pos += 1 + count;
  }
  while (pos < s.length && (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9)) pos++;
  if (pos < s.length) {
    if (s.charCodeAt(pos) !== 91 /* [ */ || s.charCodeAt(s.length - 1) !== 93 /* ] */) {
      throw invalid(text, 'unexpected text after the time');
    }
    offsetHours = simpleZoneHours(s, pos + 1, s.length - 1) ?? zoneHours(s.slice(pos + 1, s.length - 1), text);
  }
  if (month < 1 || month > 12) throw invalid(text, 'month out of range');
  const maxDay = month === 2 && !isLeap(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day < 1 || day > maxDay) throw invalid(text, 'day out of range');
  if (hour > 23 || minute > 59 || second > 59) throw invalid(text, 'time out of range');
  const utc = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return isoString(utc - Math.round(offsetHours * 60) * 60_000);
}

/**
 * Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's days_from_civil): the arithmetic that
 * Date.UTC does, without its call per transaction and without its reading of years 0..99 as 1900..1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function countDigits(s: string, at: number): number {
  let i = at;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i - at;
}

const DAY_MS = 86_400_000;
/** Years 0000..9999, where an ISO string is always YYYY-MM-DDTHH:MM:SS.sssZ. */
const ISO_MIN = -62_167_219_200_000;
const ISO_MAX = 253_402_300_799_999;
const CACHE_LIMIT = 100_000;
const dayPrefixes = new Map<number, string>();
const timeSuffixes = new Map<number, string>();
let lastDay = NaN;
let lastDayPrefix = '';

/**
 * Date.prototype.toISOString, made cheap for statements of 100k transactions: the "YYYY-MM-DDT" of each day and
 * the "HH:MM:SS.sssZ" of each time of day are computed once and joined (both maps are bounded).
 */
function isoString(utc: number): string {
  if (utc < ISO_MIN || utc > ISO_MAX) return new Date(utc).toISOString();
  const day = Math.floor(utc / DAY_MS);
  const time = utc - day * DAY_MS;
  // Statements come in date order, so the day is usually the previous one's: checked before the map.
  let prefix = day === lastDay ? lastDayPrefix : dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= CACHE_LIMIT) dayPrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  lastDay = day;
  lastDayPrefix = prefix;
  let suffix = timeSuffixes.get(time);
  if (suffix === undefined) {
    if (timeSuffixes.size >= CACHE_LIMIT) timeSuffixes.clear();
    suffix = new Date(time).toISOString().slice(11);
    timeSuffixes.set(time, suffix);
  }
  return prefix + suffix;
}
