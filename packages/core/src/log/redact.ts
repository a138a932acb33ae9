/**
 * Secrets kept out of logs by value rather than by field name: a Redis password can reach a
 * log line inside a URL, an error message or a stack, under any key, so the process logger
 * replaces each known secret wherever it appears in the finished line.
 */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not replaced: a one-letter "password" would mangle every line. */
const MIN_SECRET_LENGTH = 3;

/** The password (and user name, when it has a password) of a `redis://user:pass@host` URL, raw and decoded. */
export function secretsOfUrl(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    // Not a URL we can read; take what sits between `//…:` and `@` so a typo still hides its password.
    const match = /\/\/[^:/@]*:([^@/]+)@/.exec(text);
    return match?.[1] === undefined ? [] : [match[1]];
  }
  if (url.password === '') return [];
  return unique([url.password, safeDecode(url.password)]);
}

/** Returns a function that replaces every occurrence of each secret (and its JSON-escaped form) in a line. */
export function secretRedactor(secrets: readonly string[]): (line: string) => string {
  const forms = unique(
    secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]),
  ).sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const secret of forms) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
