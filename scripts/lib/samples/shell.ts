/** A word the shell passes on unchanged: plain words bare, anything else in single quotes. */
export function shellQuote(text: string): string {
  return /^[\w.,:/@%+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
