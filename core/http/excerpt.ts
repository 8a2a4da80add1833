/**
 * Short, printable excerpts of a server's answer for error messages. A misbehaving server may echo the request
 * back, so every secret the request carried is redacted before anything is shown.
 */

/** Elements whose values must never be shown (the request's password, credentials, key and answers). */
const SECRET_ELEMENTS = /<(USERPASS|USERCRED1|USERCRED2|AUTHTOKEN|ACCESSKEY|MFAPHRASEA|SESSCOOKIE)>([^<\r\n]*)/gi;

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Secret values found in an OFX request body, as written (escaped) and as meant (decoded), longest first. */
export function secretValuesOf(requestBody: string): string[] {
  const found = new Set<string>();
  for (const match of requestBody.matchAll(SECRET_ELEMENTS)) {
    const value = (match[2] ?? '').trim();
    if (!value) continue;
    found.add(value);
    found.add(decodeEntities(value));
  }
  return [...found].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/**
 * Up to `max` characters from the start of `bytes`: decoded as UTF-8, secrets redacted, markup and control
 * characters dropped, whitespace collapsed, so that it fits on one line of an error message.
 */
export function excerptOf(bytes: Uint8Array, secrets: readonly string[], max = 200): string {
  const raw = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 16 * 1024));
  const text = redact(raw, secrets)
    .replace(/<[^>]*>/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const redacted = redact(text, secrets);
  return redacted.length <= max ? redacted : `${redacted.slice(0, max - 1)}…`;
}
