import { CadenzaError } from '@cadenza/core';
import type { RedisStoreOptions, RedisTls } from './options.js';

/**
 * Certificates only make sense on an encrypted connection: given beside a plain
 * `redis://` URL they are refused, neither ignored (the caller believes the link is
 * encrypted) nor applied against what the URL says. The URL is not quoted: it may hold a
 * password.
 */
export function checkTls(options: RedisStoreOptions): void {
  if (options.tls === undefined) return;
  const urls: [string, string][] = [];
  if (options.redis === undefined) urls.push(['url', options.url ?? 'redis://127.0.0.1:6379']);
  for (const [i, url] of (options.lockUrls ?? []).entries()) urls.push([`lockUrls[${i}]`, url]);
  for (const [field, url] of urls) {
    if (!/^rediss:\/\//i.test(url)) {
      throw new CadenzaError(
        'invalid_argument',
        `tls: given with a ${field} that is not rediss://; expected rediss://`,
      );
    }
  }
}

/**
 * ioredis options for `tls`: given explicitly, they replace the bare `tls: true` a
 * rediss:// URL implies. Copied, so no two connections share one mutable object.
 */
export function tlsOptions(tls: RedisTls | undefined): { tls?: RedisTls } {
  return tls === undefined ? {} : { tls: { ...tls } };
}
