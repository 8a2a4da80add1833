/**
 * One OFX request in, one OFX response tree out: sign-on first, then each transaction of the request in order.
 * No HTTP here (server.ts does that), so the bank's behaviour reads in one place.
 */
import type { OfxNode } from '../../core/ofx/tree.ts';
import { findAccount } from './accounts.ts';
import type { Authenticator, SignonOutcome } from './auth.ts';
import type { Ledger } from './ledger.ts';
import { PROFILE_UPDATED_AT, profileRs } from './profile.ts';
import type { ItemRequest, SimRequest } from './request.ts';
import {
  ResponseBuilder,
  acctInfoRs,
  bankStatementRs,
  investmentStatementRs,
  mfaChallengeRs,
  secList,
  sonrs,
  trnrs,
} from './responses.ts';
import { DEFAULT_QUESTIONS } from './scenarios.ts';
import type { SimUser } from './scenarios.ts';

/** When the account list last changed (ACCTINFORS DTACCTUP). */
const ACCOUNTS_UPDATED_AT = new Date('2025-01-01T00:00:00.000Z');

export interface BankContext {
  users: ReadonlyMap<string, SimUser>;
  auth: Authenticator;
  ledger: Ledger;
  now: () => Date;
  /** The bank's OFX URL, for the profile. */
  url: string;
  mfaChallengeFirst: boolean;
  clientUidRequired: boolean;
}

export interface AnsweredRequest {
  root: OfxNode;
  signonCode: number;
  /** Each transaction wrapper answered and its status code. */
  statuses: Array<{ wrapper: string; code: number }>;
  accessKeyIssued: boolean;
}

/** Unsupported transactions (transfers, bill pay, ...): 6500, "this request is not supported". */
const UNSUPPORTED = 6500;

function responseSet(item: ItemRequest): string {
  return item.messageSet.replace(/RQV1$/, 'RSV1');
}

export function answerRequest(ctx: BankContext, request: SimRequest): AnsweredRequest {
  const now = ctx.now();
  const user = request.signon.userId === null ? undefined : ctx.users.get(request.signon.userId);
  const items = request.items;
  // Profile requests need no sign-on (clients fetch it before they have credentials, often as "anonymous").
  const profileOnly = items.length > 0 && items.every((i) => i.kind === 'profile');
  const outcome: SignonOutcome = profileOnly
    ? { code: 0, kind: 'authenticated', newAccessKey: null }
    : ctx.auth.signOn(
        request.signon,
        items.some((i) => i.kind === 'challenge'),
        items.some((i) => i.kind !== 'challenge'),
      );

  const out = new ResponseBuilder();
  const statuses: AnsweredRequest['statuses'] = [];
  const newKey = outcome.kind === 'authenticated' ? outcome.newAccessKey : null;
  out.add('SIGNONMSGSRSV1', sonrs(outcome.code, now, newKey));
  const answer = (item: ItemRequest, code: number, body: OfxNode | null): void => {
    out.add(responseSet(item), trnrs(item, code, body));
    statuses.push({ wrapper: item.wrapper.replace(/RQ$/, 'RS'), code });
  };
  const questions = user?.scenario.questions ?? DEFAULT_QUESTIONS;

  if (outcome.kind === 'challenge') {
    for (const item of items) if (item.kind === 'challenge') answer(item, 0, mfaChallengeRs(questions));
  }
  if (outcome.kind === 'authenticated') {
    let securitiesSent = false;
    for (const item of items) {
      switch (item.kind) {
        case 'profile': {
          const upToDate = item.profileUpdatedAt !== null && item.profileUpdatedAt >= PROFILE_UPDATED_AT;
          const settings = user ? ctx.auth.settingsOf(user) : ctx;
          answer(
            item,
            upToDate ? 1 : 0,
            upToDate
              ? null
              : profileRs({
                  url: ctx.url,
                  mfaChallengeFirst: settings.mfaChallengeFirst,
                  clientUidRequired: settings.clientUidRequired,
                  userCred1Label: user?.scenario.userCred1?.label ?? null,
                }),
          );
          break;
        }
        case 'challenge':
          answer(item, 0, mfaChallengeRs(questions));
          break;
        case 'accounts':
          answer(item, 0, acctInfoRs(ACCOUNTS_UPDATED_AT));
          break;
        case 'statement': {
          const account = findAccount(item.account);
          if (!account || !user) {
            answer(item, 2003, null);
            break;
          }
          const data = ctx.ledger.statement(user.userId, account, { start: item.start, end: item.end }, now);
          if (account.kind === 'investment') {
            answer(
              item,
              0,
              investmentStatementRs(data, {
                transactions: item.includeTransactions,
                positions: item.includePositions,
                balance: item.includeBalance,
              }),
            );
            if (!securitiesSent) out.add('SECLISTMSGSRSV1', secList(data));
            securitiesSent = true;
          } else {
            answer(item, 0, bankStatementRs(data, item.includeTransactions));
          }
          break;
        }
        case 'unsupported':
          answer(item, UNSUPPORTED, null);
          break;
      }
    }
  }
  return { root: out.root(), signonCode: outcome.code, statuses, accessKeyIssued: newKey !== null };
}
