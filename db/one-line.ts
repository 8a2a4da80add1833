/** Free text stored for people to read (run messages, drop reasons) is one short line. */
export function oneLine(text: string, maxLength = 500): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, maxLength);
}
