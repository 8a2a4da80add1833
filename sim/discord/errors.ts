/**
 * The JSON errors Discord answers with, by the codes discord.js surfaces as `DiscordAPIError.code`.
 * Texts are Discord's own wording so that a bot's logs read the same against the stand-in and the real thing.
 */

/** A nested `errors` object of a 50035 Invalid Form Body, e.g. { data: { title: { _errors: [...] } } }. */
export type FormErrors = { [key: string]: FormErrors | Array<{ code: string; message: string }> };

export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: FormErrors,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}), ...this.extra };
  }
}

export const unknownInteraction = (): DiscordHttpError => new DiscordHttpError(404, 10062, 'Unknown interaction');
export const alreadyAcknowledged = (): DiscordHttpError =>
  new DiscordHttpError(400, 40060, 'Interaction has already been acknowledged.');
/** What Discord answers on an interaction webhook (edit, follow-up, fetch) once the 15-minute token is dead. */
export const invalidWebhookToken = (): DiscordHttpError => new DiscordHttpError(401, 50027, 'Invalid Webhook Token');
export const unknownWebhook = (): DiscordHttpError => new DiscordHttpError(404, 10015, 'Unknown Webhook');
export const unknownMessage = (): DiscordHttpError => new DiscordHttpError(404, 10008, 'Unknown Message');
export const unknownChannel = (): DiscordHttpError => new DiscordHttpError(404, 10003, 'Unknown Channel');
export const unknownUser = (): DiscordHttpError => new DiscordHttpError(404, 10013, 'Unknown User');
export const unknownMember = (): DiscordHttpError => new DiscordHttpError(404, 10007, 'Unknown Member');
export const unknownGuild = (): DiscordHttpError => new DiscordHttpError(404, 10004, 'Unknown Guild');
export const unknownApplication = (): DiscordHttpError => new DiscordHttpError(404, 10002, 'Unknown Application');
export const unknownCommand = (): DiscordHttpError => new DiscordHttpError(404, 10063, 'Unknown application command');
export const cannotDmUser = (): DiscordHttpError => new DiscordHttpError(403, 50007, 'Cannot send messages to this user');
export const emptyMessage = (): DiscordHttpError => new DiscordHttpError(400, 50006, 'Cannot send an empty message');
export const notAuthor = (): DiscordHttpError =>
  new DiscordHttpError(403, 50005, 'Cannot edit a message authored by another user');
export const dmChannelAction = (): DiscordHttpError => new DiscordHttpError(403, 50003, 'Cannot execute action on a DM channel');
export const unauthorized = (): DiscordHttpError => new DiscordHttpError(401, 0, '401: Unauthorized');
export const notFound = (): DiscordHttpError => new DiscordHttpError(404, 0, '404: Not Found');
export const methodNotAllowed = (): DiscordHttpError => new DiscordHttpError(405, 0, '405: Method Not Allowed');

export function invalidFormBody(errors: FormErrors): DiscordHttpError {
  return new DiscordHttpError(400, 50035, 'Invalid Form Body', errors);
}

export function rateLimited(retryAfterSeconds: number, global: boolean): DiscordHttpError {
  const headers: Record<string, string> = {
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset-after': String(retryAfterSeconds),
    'x-ratelimit-bucket': 'sim-bucket',
    'x-ratelimit-scope': global ? 'global' : 'user',
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  return new DiscordHttpError(429, 0, 'You are being rate limited.', undefined, headers, {
    retry_after: retryAfterSeconds,
    global,
  });
}

/**
 * Collects 50035 errors by path while a payload is checked, so one answer lists every problem (as Discord does).
 */
export class FormProblems {
  private readonly root: FormErrors = {};
  private count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node: FormErrors = this.root;
    for (const key of path.map(String)) {
      const next = node[key];
      if (!next || Array.isArray(next)) node[key] = {};
      node = node[key] as FormErrors;
    }
    const list = (node._errors as Array<{ code: string; message: string }> | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count += 1;
  }

  maxLength(path: Array<string | number>, value: unknown, max: number): void {
    if (typeof value === 'string' && [...value].length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }

  required(path: Array<string | number>, value: unknown): boolean {
    if (value === undefined || value === null || value === '') {
      this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return false;
    }
    return true;
  }

  throwIfAny(): void {
    if (this.count > 0) throw invalidFormBody(this.root);
  }
}
