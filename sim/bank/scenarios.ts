/**
 * Who can sign on to the simulated bank and how each user's sign-on behaves: the challenge questions asked,
 * key lifetime, profile flags (MFACHALLENGEFIRST, CLIENTUIDREQ, USERCRED1LABEL), slow answers and faults.
 * Several users are configured at once so one running bank demonstrates every branch.
 */

/** Ways the bank can misbehave at the HTTP level, for testing clients. */
export const FAULT_KINDS = ['http-500', 'reset', 'hang', 'truncated', 'garbage'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

/** One challenge question. Client-side phrases (MFA101..MFA107) have no answer: they are checked for plausibility. */
export interface SimQuestion {
  id: string;
  /** MFAPHRASELABEL; absent for standard phrases (MFA1..MFA23), whose labels the client knows. */
  label: string | null;
  /** The expected answer of a user question (compared trimmed, case-insensitively); null for client-side phrases. */
  answer: string | null;
}

export interface Scenario {
  name: string;
  questions: readonly SimQuestion[];
  /** Lifetime of an ACCESSKEY; default: the bank's (30 days unless started otherwise). */
  keyLifetimeMs?: number;
  /** Profile MFACHALLENGEFIRST: answers are accepted only after a challenge list was handed out. */
  mfaChallengeFirst?: boolean;
  /** Profile CLIENTUIDREQ: sign-ons without CLIENTUID get 15510. */
  clientUidRequired?: boolean;
  /** Profile USERCRED1LABEL and the value USERCRED1 must carry. */
  userCred1?: { label: string; value: string };
  /** Every response to this user is delayed this long. */
  delayMs?: number;
  /** Every request from this user triggers this fault. */
  fault?: FaultKind;
  /** A bank stuck in a loop: right answers are accepted (no strike), and the sign-on still says 3000. */
  challengeLoop?: boolean;
}

export interface SimUser {
  userId: string;
  password: string;
  scenario: Scenario;
}

const clientSide = (id: string): SimQuestion => ({ id, label: null, answer: null });

/** MFA16 without a label (the spec allows it), a bank-specific question with one, and two client-side phrases. */
export const DEFAULT_QUESTIONS: readonly SimQuestion[] = [
  { id: 'MFA16', label: null, answer: 'Smith' },
  { id: 'SIMQ1', label: 'Name of your first pet?', answer: 'Rex' },
  clientSide('MFA101'),
  clientSide('MFA107'),
];

/** Seven user questions (more than one Discord modal holds) plus four client-side phrases. */
export const MANY_QUESTIONS: readonly SimQuestion[] = [
  { id: 'MFA1', label: null, answer: 'Springfield' },
  { id: 'MFA5', label: null, answer: 'Blue' },
  { id: 'MFA16', label: null, answer: 'Smith' },
  { id: 'MFA20', label: 'Street you grew up on', answer: 'Elm Street' },
  { id: 'MFA23', label: null, answer: '1980' },
  { id: 'SIMQ1', label: 'Name of your first pet?', answer: 'Rex' },
  { id: 'SIMQ2', label: 'Your favourite café drink?', answer: 'Café au lait' },
  clientSide('MFA101'),
  clientSide('MFA102'),
  clientSide('MFA105'),
  clientSide('MFA107'),
];

/** How long the `slow` user waits before each answer. */
export const SLOW_DELAY_MS = 2_000;

function user(userId: string, scenario: Omit<Scenario, 'name'> & { name?: string }): SimUser {
  return { userId, password: `${userId}-password`, scenario: { name: scenario.name ?? userId, ...scenario } };
}

/** The users a bank started without `users` knows; the README lists them. */
export function defaultUsers(): SimUser[] {
  return [
    user('demo', { name: 'default', questions: DEFAULT_QUESTIONS }),
    user('many', { questions: MANY_QUESTIONS }),
    user('first', { questions: DEFAULT_QUESTIONS, mfaChallengeFirst: true }),
    user('cred', { questions: DEFAULT_QUESTIONS, userCred1: { label: 'Branch PIN', value: '4321' } }),
    user('clientuid', { questions: DEFAULT_QUESTIONS, clientUidRequired: true }),
    user('slow', { questions: DEFAULT_QUESTIONS, delayMs: SLOW_DELAY_MS }),
    ...FAULT_KINDS.map((fault) => user(`fault-${fault === 'http-500' ? '500' : fault}`, { questions: DEFAULT_QUESTIONS, fault })),
  ];
}
