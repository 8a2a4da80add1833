/**
 * One sync of one connection, as an explicit state machine. Read it top to bottom:
 *
 *   profile?            only when the caller has no profile flags (first sync; a failing profile does not stop the sync)
 *   sign-on             SONRQ (stored ACCESSKEY, or answers accepted earlier in this sync; CLIENTUID, SESSCOOKIE) + the work
 *     ├ MFACHALLENGEFIRST and no key → request-challenge at once (the challenge request alone is the first sign-on)
 *     ├ 0, 1, 15000     → collect (15000 also becomes a warning)
 *     ├ 3000            → drop the stored key → request-challenge (right after accepted answers: drop the key and stop)
 *     └ 3001            → answers accepted earlier in this sync were refused now: stop, never resend
 *   request-challenge   SONRQ + MFACHALLENGETRNRQ alone → the questions
 *   ask                 built-in answers for MFA101..MFA107, a Challenger for the rest (answered/cancelled/timeout/unavailable)
 *   send-answers        SONRQ + answers + the original work, once
 *     ├ 0               → store the ACCESSKEY (none issued: keep the answers in memory for this sync's later rounds) → collect
 *     ├ 3001            → answers rejected: stop, never resend
 *     └ 3000            → the bank broke the protocol: stop rather than loop
 *   collect             accounts discovered? then sign-on again for statements; else done
 *
 * Nothing here knows about Discord, terminals or SQLite: those arrive through Challenger, KeyStore and Progress.
 */
import { OfxError, OfxStatusError } from '../errors.ts';
import { describeStatus } from '../status.ts';
import { buildRequest, mfaCapable, type OfxVersion, type RequestItem, type SignonFields, type StatementAccount } from '../ofx/build.ts';
import { parseOfx } from '../ofx/parse.ts';
import { isClientSidePhrase, standardPhraseLabel } from '../ofx/phrases.ts';
import type { AccountInfo, AccountRef, MfaChallenge, ParsedOfx, Statement, TransactionStatus } from '../ofx/types.ts';
import { builtInAnswer, readMachineFacts } from '../mfa/builtin-answers.ts';
import { AnswersRejectedError, ChallengeLoopError, SignonRefusedError } from './errors.ts';
import { fetchProfile, profileFlags } from './profile.ts';
import type { ChallengeOutcome, Challenger, ChallengeQuestion, ConnectionConfig, KeyStore, ProfileFlags, Progress, SyncStage } from './types.ts';

export const DEFAULT_CHALLENGE_TIMEOUT_MS = 10 * 60_000;

/** MFAPHRASEA is A-64 (OFX 2.1.1 §2.5.1.8): a longer answer is refused here rather than cut or sent. */
export const MAX_ANSWER_LENGTH = 64;

/** A known account, optionally with its own window start (an account whose last statement failed keeps its own). */
export type SyncAccount = AccountRef & { start?: Date };

export interface SyncInput {
  connection: ConnectionConfig;
  /** Known accounts; when empty the sync discovers them (ACCTINFORQ) first. */
  accounts: readonly SyncAccount[];
  /** Stored profile flags, or null to read the profile first. */
  profile: ProfileFlags | null;
  /** Start of the statement window for accounts without their own. */
  start: Date;
  end?: Date;
}

export interface SyncDeps {
  /** Sends one OFX request to the connection's server and returns the raw response. */
  send(body: string): Promise<Uint8Array>;
  challenger: Challenger;
  keyStore: KeyStore;
  progress?: Progress;
  /** The User-Agent the transport sends; also the MFA107 answer. */
  userAgent: string;
  challengeTimeoutMs?: number;
  now?: () => Date;
  /** Aborting it stops the sync: a challenge wait ends as `cancelled`, and no further request is sent. */
  signal?: AbortSignal;
}

export type SyncOutcome =
  | 'ok'
  | 'answers-needed'
  | 'challenge-cancelled'
  | 'challenge-expired'
  | 'answers-rejected'
  | 'signon-refused'
  | 'error';

export interface ChallengeRecord {
  questions: Array<{ id: string; label: string | null }>;
  outcome: 'answered' | 'cancelled' | 'timeout' | 'unavailable' | 'accepted' | 'rejected';
}

export interface AccountProblem {
  account: AccountRef;
  status: TransactionStatus['status'];
}

export interface SyncResult {
  outcome: SyncOutcome;
  /** The typed error behind a non-ok outcome; its message is one line, safe to show. */
  error: OfxError | null;
  challenged: boolean;
  accessKeyStored: boolean;
  /** Set when the profile was read during this sync. */
  profile: ProfileFlags | null;
  /** A profile request was sent during this sync, answered or not. */
  profileAttempted: boolean;
  /** Set when the accounts were discovered during this sync. */
  discoveredAccounts: AccountInfo[] | null;
  statements: Statement[];
  /** Statement requests the bank answered with an error status, per account. */
  accountProblems: AccountProblem[];
  challenge: ChallengeRecord | null;
  /** Things the person must hear even though the sync went on (15000: change the password soon). One line each. */
  warnings: string[];
}

type Answer = { id: string; answer: string };

type State =
  | { name: 'profile' }
  | { name: 'sign-on' }
  | { name: 'request-challenge' }
  | { name: 'ask'; challenges: MfaChallenge[] }
  | { name: 'send-answers'; answers: Answer[] }
  | { name: 'collect'; response: ParsedOfx }
  | { name: 'done'; outcome: SyncOutcome; error: OfxError | null };

/** Mutable facts gathered while the machine runs; each state reads and adds to it. */
interface Run {
  input: SyncInput;
  deps: SyncDeps;
  profile: ProfileFlags | null;
  profileRead: boolean;
  profileAttempted: boolean;
  accounts: SyncAccount[];
  discovered: AccountInfo[] | null;
  /** The work of the current round: account discovery, or the statements. */
  items: RequestItem[];
  accessKey: string | null;
  /**
   * Answers the bank accepted in this sync when it issued no ACCESSKEY: later rounds of the same sync sign on with
   * them instead. Memory only, dropped with the run; answers the bank refused never land here.
   */
  acceptedAnswers: Answer[] | null;
  /** SESSCOOKIE of the last SONRS; the next SONRQ of this sync sends it back (OFX 2.2 §2.5.1.2). */
  sessionCookie: string | null;
  requestsSent: number;
  challenged: boolean;
  answersSent: boolean;
  accessKeyStored: boolean;
  statements: Statement[];
  accountProblems: AccountProblem[];
  challenge: ChallengeRecord | null;
  warnings: string[];
  /** Progress updates still in flight; the result waits for them so no late stage overwrites the last word. */
  pendingProgress: Promise<unknown>[];
  /** TRNUID of each statement request in the last exchange, to tell which account a failed transaction was. */
  statementTrnuids: Map<string, AccountRef>;
}

export async function runSync(input: SyncInput, deps: SyncDeps): Promise<SyncResult> {
  const run: Run = {
    input,
    deps,
    profile: input.profile,
    profileRead: false,
    profileAttempted: false,
    accounts: [...input.accounts],
    discovered: null,
    items: [],
    accessKey: null,
    acceptedAnswers: null,
    sessionCookie: null,
    requestsSent: 0,
    challenged: false,
    answersSent: false,
    accessKeyStored: false,
    statements: [],
    accountProblems: [],
    challenge: null,
    warnings: [],
    pendingProgress: [],
    statementTrnuids: new Map(),
  };
  run.items = workItems(run);

  let state: State = run.profile ? { name: 'sign-on' } : { name: 'profile' };
  while (state.name !== 'done') {
    try {
      state = await step(run, state);
    } catch (error) {
      state = { name: 'done', outcome: outcomeOf(error), error: asOfxError(error) };
    }
  }
  run.acceptedAnswers = null;
  await Promise.allSettled(run.pendingProgress);
  return {
    outcome: state.outcome,
    error: state.error,
    challenged: run.challenged,
    accessKeyStored: run.accessKeyStored,
    profile: run.profileRead ? run.profile : null,
    profileAttempted: run.profileAttempted,
    discoveredAccounts: run.discovered,
    statements: run.statements,
    accountProblems: run.accountProblems,
    challenge: run.challenge,
    warnings: run.warnings,
  };
}

async function step(run: Run, state: Exclude<State, { name: 'done' }>): Promise<State> {
  const { connection } = run.input;
  switch (state.name) {
    case 'profile': {
      report(run, 'profile');
      run.deps.signal?.throwIfAborted();
      run.profileAttempted = true;
      let profile: ProfileFlags | null = null;
      try {
        profile = await fetchProfile(connection, run.deps.send, now(run));
      } catch (error) {
        if (run.deps.signal?.aborted) throw error;
        // A profile that fails (HTTP error, garbage, timeout) is not worth the sync: go on with what is known.
      }
      // A bank that will not share its profile is still synced, with no flags assumed; the caller decides when to ask again.
      run.profile = profile ?? profileFlags(undefined);
      run.profileRead = profile !== null;
      return { name: 'sign-on' };
    }

    case 'sign-on': {
      run.accessKey = run.acceptedAnswers ? null : await run.deps.keyStore.get(connection.id);
      // MFACHALLENGEFIRST: without a key the bank wants the challenge request, alone, on the very first sign-on.
      if (run.profile?.mfaChallengeFirst === true && run.accessKey === null && run.acceptedAnswers === null && !run.answersSent) {
        report(run, 'signing-on');
        return { name: 'request-challenge' };
      }
      if (run.requestsSent === 0) report(run, 'signing-on');
      reportWork(run, run.items);
      const reusing = run.acceptedAnswers !== null;
      const response = await exchange(run, signonFields(run, run.acceptedAnswers ?? []), run.items);
      const code = signonCode(response);
      if (code === 3000) {
        if (run.accessKey !== null) {
          // Also right after accepted answers: the key just stored is worthless if the bank already wants a new challenge.
          await run.deps.keyStore.clear(connection.id, 'the bank no longer accepts the access key (3000)');
          run.accessKey = null;
        }
        if (run.answersSent) {
          throw new ChallengeLoopError('the bank asked for a new challenge right after accepting the answers; stopping instead of looping');
        }
        return { name: 'request-challenge' };
      }
      if (code === 3001 && reusing) {
        if (run.challenge) run.challenge.outcome = 'rejected';
        throw new AnswersRejectedError();
      }
      refuseUnlessSuccess(run, code, response);
      return { name: 'collect', response };
    }

    case 'request-challenge': {
      report(run, 'challenge-requested');
      run.challenged = true;
      const response = await exchange(run, signonFields(run, []), [{ kind: 'challenge' }]);
      const code = signonCode(response);
      // Banks answer the challenge request with 0 or with 3000 again (sign-on still incomplete); both carry the list.
      if (code !== 3000) refuseUnlessSuccess(run, code, response);
      const trn = response.challenge;
      if (!trn) throw new OfxError('the bank asked for a multi-factor challenge but sent no challenge questions');
      if (trn.status.code !== 0) throw new SignonRefusedError(trn.status.code, 'challenge request', trn.status.message);
      if (trn.challenges.length === 0) throw new OfxError('the bank sent an empty list of challenge questions');
      return { name: 'ask', challenges: trn.challenges };
    }

    case 'ask': {
      run.challenged = true;
      const facts = readMachineFacts(run.deps.userAgent, now(run));
      const builtIn = state.challenges
        .filter((c) => isClientSidePhrase(c.id))
        .map((c) => ({ id: c.id, answer: builtInAnswer(c.id, facts) }));
      const questions: ChallengeQuestion[] = state.challenges
        .filter((c) => !isClientSidePhrase(c.id))
        .map((c) => ({ id: c.id, prompt: c.label ?? c.builtInLabel ?? standardPhraseLabel(c.id) ?? c.id }));
      run.challenge = {
        questions: state.challenges.map((c) => ({ id: c.id, label: c.label ?? c.builtInLabel })),
        outcome: 'answered',
      };
      if (questions.length === 0) return { name: 'send-answers', answers: builtIn };

      report(run, 'waiting-for-answers', `${questions.length} question${questions.length === 1 ? '' : 's'}`);
      const outcome = await askPerson(run, questions, run.challenge.questions);
      return afterAnswers(run, run.challenge, outcome, questions, builtIn);
    }

    case 'send-answers': {
      report(run, 'sending-answers');
      reportWork(run, run.items);
      run.answersSent = true;
      const response = await exchange(run, signonFields(run, state.answers), run.items);
      const code = signonCode(response);
      if (code === 3001) {
        if (run.challenge) run.challenge.outcome = 'rejected';
        throw new AnswersRejectedError();
      }
      if (code === 3000) {
        throw new ChallengeLoopError('the bank asked for a new challenge right after receiving the answers; stopping instead of looping');
      }
      refuseUnlessSuccess(run, code, response);
      if (run.challenge) run.challenge.outcome = 'accepted';
      const key = response.signon?.accessKey;
      if (key) {
        await run.deps.keyStore.set(connection.id, key);
        run.accessKey = key;
        run.accessKeyStored = true;
      } else {
        run.acceptedAnswers = state.answers;
      }
      return { name: 'collect', response };
    }

    case 'collect': {
      const { response } = state;
      if (run.items.some((i) => i.kind === 'accounts')) {
        const list = response.accountList;
        if (!list) throw new OfxError('the bank did not answer the account list request');
        if (list.status.code !== 0) throw new OfxStatusError(list.status.code, 'account list', list.status.message);
        run.discovered = list.accounts;
        run.accounts = list.accounts.map(toRef);
        run.items = workItems(run);
        if (run.items.length === 0) return finish(run);
        // Second round for the statements; the key (or the answers) the bank just accepted carries it without a new challenge.
        return { name: 'sign-on' };
      }
      run.statements = response.statements;
      run.accountProblems = statementProblems(run, response);
      return finish(run);
    }
  }
}

function finish(run: Run): State {
  report(run, 'done');
  return done('ok', null);
}

/**
 * Hands the questions to the Challenger. The wait also ends, whatever the Challenger does, when the sync's signal
 * is aborted (`cancelled`) or the timeout passes (`timeout`); the Challenger's own signal then tells it to stop.
 */
async function askPerson(
  run: Run,
  questions: ChallengeQuestion[],
  asked: ReadonlyArray<{ id: string; label: string | null }>,
): Promise<ChallengeOutcome> {
  const { connection } = run.input;
  const timeoutMs = run.deps.challengeTimeoutMs ?? DEFAULT_CHALLENGE_TIMEOUT_MS;
  const controller = new AbortController();
  const syncSignal = run.deps.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const ended = new Promise<ChallengeOutcome>((resolve) => {
    onAbort = () => resolve({ kind: 'cancelled' });
    if (syncSignal?.aborted) return onAbort();
    syncSignal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  let answered = false;
  const asking = (async () =>
    run.deps.challenger.ask(questions, {
      connectionId: connection.id,
      connectionName: connection.name,
      timeoutMs,
      signal: controller.signal,
      asked,
    }))().then((outcome) => {
    answered = true;
    return outcome;
  });
  // A Challenger that fails after the wait ended has nobody left to tell.
  asking.catch(() => {});
  try {
    return await Promise.race([asking, ended]);
  } finally {
    clearTimeout(timer);
    if (onAbort) syncSignal?.removeEventListener('abort', onAbort);
    if (!answered) controller.abort();
  }
}

function afterAnswers(
  run: Run,
  record: ChallengeRecord,
  outcome: ChallengeOutcome,
  questions: ChallengeQuestion[],
  builtIn: Answer[],
): State {
  switch (outcome.kind) {
    case 'answered': {
      const missing = questions.filter((q) => !outcome.answers.get(q.id)?.trim());
      if (missing.length > 0) {
        record.outcome = 'unavailable';
        return done('answers-needed', new OfxError(`no answer was given for ${missing.map((q) => q.id).join(', ')}; nothing was sent to the bank`));
      }
      const answers = questions.map((q) => ({ id: q.id, answer: (outcome.answers.get(q.id) ?? '').trim() }));
      const tooLong = answers.filter((a) => [...a.answer].length > MAX_ANSWER_LENGTH);
      if (tooLong.length > 0) {
        record.outcome = 'unavailable';
        return done(
          'answers-needed',
          new OfxError(
            `the answer to ${tooLong.map((a) => a.id).join(', ')} is longer than the ${MAX_ANSWER_LENGTH} characters OFX allows; nothing was sent to the bank`,
          ),
        );
      }
      return { name: 'send-answers', answers: [...answers, ...builtIn] };
    }
    case 'cancelled':
      record.outcome = 'cancelled';
      return done('challenge-cancelled', new OfxError('the challenge was cancelled; nothing was sent to the bank'));
    case 'timeout':
      record.outcome = 'timeout';
      return done('challenge-expired', new OfxError('nobody answered the challenge in time; nothing was sent to the bank'));
    case 'unavailable':
      record.outcome = 'unavailable';
      return done('answers-needed', new OfxError(outcome.reason));
  }
}

function done(outcome: SyncOutcome, error: OfxError | null): State {
  return { name: 'done', outcome, error };
}

function report(run: Run, stage: SyncStage, detail?: string): void {
  const progress = run.deps.progress;
  if (!progress) return;
  try {
    const pending = progress.update(stage, detail);
    // A display that fails is the front end's problem, never the sync's.
    if (pending) run.pendingProgress.push(Promise.resolve(pending).catch(() => {}));
  } catch {
    // Same for one that throws at once.
  }
}

/** The stages a request's work begins: account discovery, or downloading N statements. */
function reportWork(run: Run, items: readonly RequestItem[]): void {
  if (items.some((i) => i.kind === 'accounts')) report(run, 'discovering-accounts');
  const statements = items.filter((i) => i.kind === 'statement').length;
  if (statements > 0) report(run, 'downloading', `${statements} account${statements === 1 ? '' : 's'}`);
}

function now(run: Run): Date {
  return run.deps.now?.() ?? new Date();
}

/** One request/response round trip; the answers and password live only in the request body. */
async function exchange(run: Run, signon: SignonFields, items: readonly RequestItem[]): Promise<ParsedOfx> {
  run.deps.signal?.throwIfAborted();
  const { body, trnuids } = buildRequest({ version: run.input.connection.version as OfxVersion, signon, items }, { now: now(run) });
  run.statementTrnuids.clear();
  items.forEach((item, i) => {
    const trnuid = trnuids[i];
    if (item.kind === 'statement' && trnuid) run.statementTrnuids.set(trnuid, accountOf(run, item.account));
  });
  run.requestsSent += 1;
  const bytes = await run.deps.send(body);
  const response = parseOfx(bytes);
  const cookie = response.signon?.sessionCookie;
  if (cookie) run.sessionCookie = cookie;
  return response;
}

function signonFields(run: Run, answers: Answer[]): SignonFields {
  return signonFor(run.input.connection, answers.length > 0 ? null : run.accessKey, answers, run.sessionCookie);
}

/** The SONRQ fields of a connection: CLIENTUID only where the version knows MFA; answers replace the key. */
export function signonFor(
  c: ConnectionConfig,
  accessKey: string | null,
  answers: ReadonlyArray<Answer> = [],
  sessionCookie: string | null = null,
): SignonFields {
  const mfa = mfaCapable(c.version as OfxVersion);
  return {
    userId: c.userId,
    password: c.password,
    org: c.org,
    fid: c.fid,
    sessionCookie,
    appId: c.appId,
    appVer: c.appVer,
    clientUid: mfa ? c.clientUid : null,
    userCred1: c.userCred1,
    userCred2: c.userCred2,
    authToken: c.authToken,
    accessKey: mfa ? accessKey : null,
    answers,
    answerAggregate: c.answerAggregate,
  };
}

function signonCode(response: ParsedOfx): number {
  if (!response.signon) throw new OfxError('the bank answered without a sign-on response');
  return response.signon.status.code;
}

function refuseUnlessSuccess(run: Run, code: number, response: ParsedOfx): void {
  if (code === 15000) warn(run, code);
  if (code === 0 || code === 1 || code === 15000) return;
  const error = new SignonRefusedError(code, 'sign-on', response.signon?.status.message ?? null);
  // The usual cause of 15500 on a first sync: the profile asks for USERCRED1/2 and none is stored.
  const { connection } = run.input;
  const missing = [
    run.profile?.userCred1Label && !connection.userCred1 ? `USERCRED1 ("${run.profile.userCred1Label}")` : null,
    run.profile?.userCred2Label && !connection.userCred2 ? `USERCRED2 ("${run.profile.userCred2Label}")` : null,
  ].filter(Boolean);
  if (code === 15500 && missing.length > 0) {
    error.message += ` The bank's profile also asks for ${missing.join(' and ')}, which this connection does not have.`;
  }
  throw error;
}

/** A status the sync goes on after, said once per sync with the status table's advice. */
function warn(run: Run, code: number): void {
  const info = describeStatus(code);
  const line = `the bank answered ${code} (${info.meaning}). ${info.advice}`;
  if (!run.warnings.includes(line)) run.warnings.push(line);
}

function workItems(run: Run): RequestItem[] {
  if (run.accounts.length === 0) return run.discovered ? [] : [{ kind: 'accounts' }];
  const { start, end } = run.input;
  return run.accounts.map((account) => ({
    kind: 'statement',
    account: toStatementAccount(account),
    start: account.start ?? start,
    ...(end ? { end } : {}),
  }));
}

/** The statement request's account aggregate for a stored or discovered account. */
export function toStatementAccount(a: AccountRef): StatementAccount {
  switch (a.kind) {
    case 'bank':
      return { kind: 'bank', bankId: a.bankId ?? '', accountId: a.accountId, accountType: a.accountType ?? 'CHECKING' };
    case 'creditcard':
      return { kind: 'creditcard', accountId: a.accountId };
    case 'investment':
      return { kind: 'investment', brokerId: a.brokerId ?? '', accountId: a.accountId };
  }
}

function toRef(a: AccountInfo): AccountRef {
  return { kind: a.kind, accountId: a.accountId, accountType: a.accountType, bankId: a.bankId, brokerId: a.brokerId };
}

function accountOf(run: Run, account: StatementAccount): AccountRef {
  return run.accounts.find((a) => a.kind === account.kind && a.accountId === account.accountId)!;
}

/** Statement requests the bank answered with an error status (and so without a statement). */
function statementProblems(run: Run, response: ParsedOfx): AccountProblem[] {
  return response.transactionStatuses.flatMap((t) => {
    const account = t.trnuid === null ? undefined : run.statementTrnuids.get(t.trnuid);
    return account && t.status.code !== 0 ? [{ account, status: t.status }] : [];
  });
}

function outcomeOf(error: unknown): SyncOutcome {
  if (error instanceof AnswersRejectedError) return 'answers-rejected';
  if (error instanceof SignonRefusedError) return 'signon-refused';
  return 'error';
}

function asOfxError(error: unknown): OfxError {
  if (error instanceof OfxError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new OfxError('the sync was stopped');
  // Unexpected failures keep only their message: anything else may hold request data.
  return new OfxError(error instanceof Error ? error.message.split('\n')[0] ?? 'unexpected error' : 'unexpected error');
}
