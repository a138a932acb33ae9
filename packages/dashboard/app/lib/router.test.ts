import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, formatHash, jobHref, parseHash, type Route, scheduleHref } from './router.js';

describe('hash routes', () => {
  it('reads every page of the dashboard', () => {
    expect(parseHash('')).toEqual({ page: 'overview' });
    expect(parseHash('#/')).toEqual({ page: 'overview' });
    expect(parseHash('#/schedules')).toEqual({ page: 'schedules', tenant: '' });
    expect(parseHash('#/schedules?tenant=acme')).toEqual({ page: 'schedules', tenant: 'acme' });
    expect(parseHash('#/schedules/acme/nightly')).toEqual({ page: 'schedule', tenant: 'acme', id: 'nightly' });
    expect(parseHash('#/jobs')).toEqual({ page: 'jobs', filter: EMPTY_FILTER });
    expect(parseHash('#/jobs?tenant=acme&status=failed&name=email.send&tag=a%20b')).toEqual({
      page: 'jobs',
      filter: { tenant: 'acme', status: 'failed', name: 'email.send', tag: 'a b' },
    });
    expect(parseHash('#/jobs/acme%3A0mx93')).toEqual({ page: 'job', id: 'acme:0mx93' });
    expect(parseHash('#/jobs/acme:0mx93')).toEqual({ page: 'job', id: 'acme:0mx93' });
    expect(parseHash('#/live')).toEqual({ page: 'live' });
  });

  it('answers not-found for anything else, a badly encoded part included', () => {
    expect(parseHash('#/nope')).toEqual({ page: 'not-found', path: '/nope' });
    expect(parseHash('#/jobs/a/b')).toEqual({ page: 'not-found', path: '/jobs/a/b' });
    expect(parseHash('#/jobs/%E0%A4%A')).toEqual({ page: 'job', id: '%E0%A4%A' });
  });

  it('formats links that read back as the same route', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'schedules', tenant: '' },
      { page: 'schedules', tenant: 'acme corp' },
      { page: 'schedule', tenant: 'acme', id: 'nightly/report' },
      { page: 'jobs', filter: EMPTY_FILTER },
      { page: 'jobs', filter: { tenant: 'acme', status: 'failed', name: '', tag: 'x&y' } },
      { page: 'job', id: 'acme:0mx93tzh1b2d' },
      { page: 'live' },
    ];
    for (const route of routes) expect(parseHash(formatHash(route))).toEqual(route);
    expect(formatHash({ page: 'jobs', filter: { ...EMPTY_FILTER, status: 'failed' } })).toBe('#/jobs?status=failed');
    expect(jobHref('acme:1')).toBe('#/jobs/acme%3A1');
    expect(scheduleHref('default', 'nightly')).toBe('#/schedules/default/nightly');
  });
});
