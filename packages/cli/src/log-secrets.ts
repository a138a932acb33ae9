import { secretsOfUrl } from '@cadenza/core';
import type { StoreChoice } from './store-flags.js';

/** Environment variables whose values are credentials by their name (tokens, passwords). */
const SECRET_ENV = /^CADENZA_.*(TOKEN|PASSWORD|SECRET)/;

/**
 * What this process must never log: the passwords of its store's and lock instances' URLs,
 * and the values of `CADENZA_…TOKEN…`-like variables (auth tokens, when configured).
 */
export function secretsOf(choice: Pick<StoreChoice, 'text' | 'lockUrls'>, env: NodeJS.ProcessEnv): string[] {
  const secrets = [choice.text, ...(choice.lockUrls ?? [])].flatMap(secretsOfUrl);
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value !== undefined && value !== '')
      secrets.push(...value.split(',').map((v) => v.trim()));
  }
  return secrets;
}
