/**
 * `fields` without the keys whose value is undefined (null and every other value stay).
 *
 * For building options and bodies from values that may be missing: a key present with
 * `undefined` is not the same as one left out where options are spread over defaults
 * (`{ ...defaults, ...given }` would put the undefined in), where `in` or `Object.keys`
 * are asked, or in JSON and snapshots. `{ ...definedOnly({ prefix, tls: options.tls }) }`
 * says that in one call rather than a `x === undefined ? {} : { x }` spread per field.
 */
export function definedOnly<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
