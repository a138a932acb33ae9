import { describe, expect, it } from 'vitest';
import { secretsOf } from './log-secrets.js';
import { prettyLine } from './pretty-log.js';

describe('secretsOf', () => {
  it('takes the passwords of the store and lock URLs and the values of token-like variables', () => {
    const secrets = secretsOf(
      { text: 'redis://:p%40ss-1@h:6379', lockUrls: ['redis://user:lockpass@h2:6379', 'redis://h3:6379'] },
      { CADENZA_API_TOKEN: 'tok-a, tok-b', CADENZA_PORT: '8080', OTHER_TOKEN: 'not-ours' },
    );
    expect(secrets.sort()).toEqual(['lockpass', 'p%40ss-1', 'p@ss-1', 'tok-a', 'tok-b']);
  });

  it('takes the password of every seed node of a cluster and every sentinel', () => {
    const urls = ['redis://:seed-a@a:1', 'redis://b:2', 'redis://u:seed-c@c:3'];
    expect(secretsOf({ text: urls.join(','), clusterUrls: urls }, {}).sort()).toEqual(['seed-a', 'seed-c']);
    const sentinel = { urls: ['redis://:sent-1@s1:26379', 'redis://:sent-2@s2:26379'], name: 'mymaster' };
    expect(secretsOf({ text: sentinel.urls.join(','), sentinel }, {}).sort()).toEqual(['sent-1', 'sent-2']);
  });
});

describe('prettyLine', () => {
  it('shows time, level and message, then the fields that differ between lines', () => {
    const line = JSON.stringify({
      level: 40,
      time: '2026-01-01T12:00:01.250Z',
      node: 'dev-1',
      role: 'dev',
      jobId: 'j1',
      name: 'email.send',
      msg: 'job stopped without a result',
      err: { message: 'boom', stack: 'Error: boom\n  at x' },
    });
    expect(prettyLine(`${line}\n`)).toBe(
      '12:00:01.250 WARN  job stopped without a result  jobId=j1 name=email.send err="boom"\n',
    );
  });

  it('passes a line that is not JSON unchanged', () => {
    expect(prettyLine('plain\n')).toBe('plain\n');
  });
});
