/** How parse errors show an offending value: quoted, on one line, never more than 40 characters of it. */
export function quoteValue(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  return JSON.stringify(oneLine.length > 40 ? `${oneLine.slice(0, 40)}...` : oneLine);
}

/** An element name as errors show it: real names are short, but a broken file can carry a megabyte-long one. */
export function elementName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}...` : name;
}
