/**
 * Checks a set of challenge answers against the questions a user is asked. User questions compare trimmed and
 * case-insensitively; client-side phrases (MFA101..MFA107) only have to be plausible, as a real bank can check
 * no more: MFA101 a YYYYMMDDHHMMSS within a day of the server clock, MFA107 something shaped like a User-Agent.
 */
import type { SimQuestion } from './scenarios.ts';

const DAY_MS = 86_400_000;

function normalize(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}

/** MFA101: 14 digits read as a UTC date-time; a client in any time zone stays within a day of the server. */
function plausibleClientTime(answer: string, now: Date): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(answer.trim());
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const roundTrip = new Date(t);
  if (roundTrip.getUTCMonth() !== mo - 1 || roundTrip.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return false;
  return Math.abs(t - now.getTime()) <= DAY_MS;
}

/** MFA107: product/version, as every User-Agent starts (e.g. "ofx-mfa/0.1.0 (linux; x64)"). */
function plausibleUserAgent(answer: string): boolean {
  return /^[A-Za-z][\w.+-]*\/\S+/.test(answer.trim());
}

export function plausibleClientAnswer(id: string, answer: string, now: Date): boolean {
  if (id === 'MFA101') return plausibleClientTime(answer, now);
  if (id === 'MFA107') return plausibleUserAgent(answer);
  return answer.trim() !== '';
}

/** True when every question has an acceptable answer; extra answers are ignored. */
export function answersAccepted(
  questions: readonly SimQuestion[],
  answers: ReadonlyArray<{ id: string; answer: string }>,
  now: Date,
): boolean {
  return questions.every((q) => {
    const given = answers.find((a) => a.id === q.id.toUpperCase());
    if (!given) return false;
    return q.answer === null ? plausibleClientAnswer(q.id, given.answer, now) : normalize(given.answer) === normalize(q.answer);
  });
}
