import { OfxError, OfxStatusError } from '../errors.ts';

/** The bank rejected the challenge answers (3001). The answers are never resent automatically. */
export class AnswersRejectedError extends OfxStatusError {
  override name = 'AnswersRejectedError';
  constructor() {
    super(3001, 'sign-on');
  }
}

/** The bank refused the sign-on for a reason other than a challenge (15500, 15502, 15510, ...). */
export class SignonRefusedError extends OfxStatusError {
  override name = 'SignonRefusedError';
}

/** The bank broke the MFA protocol (e.g. asked for a challenge again right after accepting answers). */
export class ChallengeLoopError extends OfxError {
  override name = 'ChallengeLoopError';
}
