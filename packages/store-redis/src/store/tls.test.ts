// The Redis store over TLS as a Redis user limited to cadenza's keys: a real redis-server
// that speaks only TLS and asks clients for a certificate, certificates made by openssl,
// and the ACL rules of acl.ts. The conformance suite holds there; a client without the CA
// is refused at once; the user can touch nothing outside its prefix.
import { CadenzaError } from '@cadenza/core';
import { runStoreConformance } from '@cadenza/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclRules } from '../acl.js';
import { startTlsRedis, type TlsRedisHarness } from '../testing/tls-redis.js';
import { createRedisStore } from './redis-store.js';

const T0 = Date.UTC(2026, 0, 1);
const USER = 'cadenza';
const PASSWORD = 'tls-test-password';
let prefixes = 0;
/** The test prefixes all start `cztls`, so that one ACL pattern covers them. */
const prefix = () => `cztls${++prefixes}`;

let redis: TlsRedisHarness;
let url: string;
beforeAll(async () => {
  redis = await startTlsRedis({
    authClients: 'yes',
    users: { [USER]: { password: PASSWORD, rules: aclRules('cztls*') } },
  });
  url = redis.urlFor(USER, PASSWORD);
});
afterAll(async () => {
  await redis?.stop();
});

describe('the redis store over TLS, as an ACL user', () => {
  runStoreConformance('redis over TLS as an ACL user', {
    keepsLeaderTicks: true,
    create: async (options) =>
      createRedisStore({
        url,
        tls: redis.tls,
        prefix: prefix(),
        tenantWeights: options?.tenantWeights,
        tenantLimits: options?.tenantLimits,
        resources: options?.resources,
        jobConcurrency: options?.jobConcurrency,
      }),
  });

  it('takes the leader lock on rediss:// lock instances with the same certificates', async () => {
    const store = createRedisStore({ url, tls: redis.tls, prefix: prefix(), lockUrls: [url] });
    try {
      expect(await store.acquireLeadership('c1', 10_000, T0)).toMatchObject({ nodeId: 'c1' });
    } finally {
      await store.close();
    }
  });

  // The certificate error is the proof of a refusal: a call left to its command timeout says so instead.
  it('is refused without the CA, with the certificate error', async () => {
    const store = createRedisStore({ url, prefix: prefix(), tls: { cert: redis.tls.cert, key: redis.tls.key } });
    try {
      await expect(store.ping()).rejects.toThrow(/self[- ]signed|unable to (get|verify)|certificate/i);
    } finally {
      await store.close();
    }
  });

  it('is refused by a server that asks for a client certificate when it shows none', async () => {
    const store = createRedisStore({ url, prefix: prefix(), tls: { ca: redis.tls.ca } });
    try {
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('refuses certificates beside a plain redis:// URL', () => {
    expect(() => createRedisStore({ url: 'redis://127.0.0.1:1', tls: redis.tls })).toThrow(CadenzaError);
    expect(() =>
      createRedisStore({ url, tls: redis.tls, lockUrls: ['redis://127.0.0.1:1'], prefix: prefix() }),
    ).toThrow(/lockUrls\[0\] that is not rediss:\/\//);
  });

  it('leaves the user no key, channel or command outside its prefix', async () => {
    const user = new Redis(url, { tls: { ...redis.tls }, maxRetriesPerRequest: 0 });
    user.on('error', () => undefined);
    try {
      await expect(user.set('other:key', '1')).rejects.toThrow(/NOPERM/);
      await expect(user.hset('cz:{t:a}:j', 'x', '1')).rejects.toThrow(/NOPERM/);
      await expect(user.publish('other:signal', 'x')).rejects.toThrow(/NOPERM/);
      await expect(user.call('FLUSHALL')).rejects.toThrow(/NOPERM/);
      await expect(user.call('FUNCTION', 'FLUSH')).rejects.toThrow(/NOPERM/);
      await expect(user.call('EVAL', 'return 1', '0')).rejects.toThrow(/NOPERM/);
      expect(await user.hset('cztls0:{t:a}:j', 'x', '1')).toBe(1);
    } finally {
      user.disconnect();
    }
  });
});
