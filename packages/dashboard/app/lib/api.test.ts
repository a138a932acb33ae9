// The API client against a fake fetch: the token on every call, error answers as ApiError
// with the API's code and message, 401 telling the app, and routes a server may lack.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, enqueueJob, forgetToken, getActivity, getJob, listJobs, onUnauthorized, saveToken } from './api.js';

const calls: { url: string; init: RequestInit }[] = [];
let answer: () => Response;

beforeEach(() => {
  calls.length = 0;
  const store = new Map<string, string>();
  vi.stubGlobal('location', { pathname: '/ui/' });
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => store.set(key, value),
    removeItem: (key: string) => store.delete(key),
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('api', () => {
  it('sends the kept token and JSON bodies, and reads JSON answers', async () => {
    saveToken('cz_secret');
    answer = () => json(201, { id: 'acme:1', status: 'waiting' });
    expect(await enqueueJob({ name: 'email.send', tenant: 'acme', priority: 6 })).toEqual({
      id: 'acme:1',
      status: 'waiting',
    });
    expect(calls[0]?.url).toBe('/v1/jobs');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.headers).toMatchObject({
      authorization: 'Bearer cz_secret',
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ name: 'email.send', tenant: 'acme', priority: 6 });

    forgetToken();
    answer = () => json(200, { jobs: [], nextCursor: null });
    await listJobs({ tenant: 'acme', status: '', name: 'a b', limit: 50 });
    expect(calls[1]?.url).toBe('/v1/jobs?tenant=acme&name=a+b&limit=50');
    expect(calls[1]?.init.headers).not.toHaveProperty('authorization');
  });

  it('turns an error answer into an ApiError with the API code and message', async () => {
    answer = () =>
      json(400, { error: { code: 'invalid_argument', message: 'priority: got 12, expected an integer from 0 to 9' } });
    const error = await enqueueJob({ name: 'x', priority: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_argument',
      message: 'priority: got 12, expected an integer from 0 to 9',
    });

    answer = () => new Response('<html>bad gateway</html>', { status: 502 });
    expect(await getJob('acme:1').catch((e: unknown) => e)).toMatchObject({
      code: 'http_502',
      message: 'The server answered 502.',
    });
  });

  it('tells the app on 401, so that it asks for a token', async () => {
    let told = 0;
    const messages: (string | undefined)[] = [];
    const stop = onUnauthorized((message) => {
      told++;
      messages.push(message);
    });
    answer = () => json(401, { error: { code: 'unauthorized', message: 'authorization: a bearer token is needed' } });
    await expect(getJob('acme:1')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(told).toBe(1);
    expect(messages).toEqual(['authorization: a bearer token is needed']);
    stop();
    await expect(getJob('acme:1')).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(1);
  });

  it('answers an empty activity on a server without the route, and says so', async () => {
    answer = () => json(404, { error: { code: 'not_found', message: 'no route GET /v1/activity' } });
    expect(await getActivity()).toEqual({ minutes: [], unsupported: true });
    answer = () => json(403, { error: { code: 'forbidden', message: 'authorization: no "read" scope' } });
    await expect(getActivity()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('reaches the API beside the page when the server sits behind a path prefix', async () => {
    vi.stubGlobal('location', { pathname: '/cadenza/ui/' });
    answer = () => json(200, { id: 'acme:1' });
    await getJob('acme:1');
    expect(calls[0]?.url).toBe('/cadenza/v1/jobs/acme%3A1');
  });
});
