import { secretsOfUrl } from '@cadenza/core';
import type { StoreChoice } from './store-flags.js';

/** Environment variables whose values are credentials by their name (tokens, passwords). */
const SECRET_ENV = /^CADENZA_.*(TOKEN|PASSWORD|SECRET)/;

/**
 * What this process must never log: the passwords of its store's URLs (every seed node or
 * sentinel of a cluster or sentinel store) and of its lock instances' URLs,
 * and the values of `CADENZA_…TOKEN…`-like variables (auth tokens, when configured).
 */
export function secretsOf(
  choice: Pick<StoreChoice, 'text' | 'lockUrls' | 'clusterUrls' | 'sentinel'>,
  env: NodeJS.ProcessEnv,
): string[] {
  // A cluster's or sentinels' `text` is their comma-separated list: its URLs are read one by one.
  const store = choice.clusterUrls ?? choice.sentinel?.urls ?? [choice.text];
  const urls = [...store, ...(choice.lockUrls ?? [])];
  const secrets = urls.flatMap(secretsOfUrl);
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value !== undefined && value !== '')
      secrets.push(...value.split(',').map((v) => v.trim()));
  }
  return secrets;
}
