// Hash routes: every view has a link (#/jobs?status=failed) and the server needs to know
// nothing about them. Pure: parses and formats strings, no DOM.

export type Route =
  | { page: 'overview' }
  | { page: 'schedules'; tenant: string }
  | { page: 'schedule'; tenant: string; id: string }
  | { page: 'jobs'; filter: JobFilter }
  | { page: 'job'; id: string }
  | { page: 'live' }
  | { page: 'not-found'; path: string };

export interface JobFilter {
  tenant: string;
  status: string;
  name: string;
  tag: string;
}

export const EMPTY_FILTER: JobFilter = { tenant: '', status: '', name: '', tag: '' };

/** The route a location hash (`#/jobs?status=failed`, or '' for the overview) names. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => safeDecode(part));
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (first === 'schedules' && parts.length === 1) return { page: 'schedules', tenant: query.get('tenant') ?? '' };
  if (first === 'schedules' && parts.length === 3 && second !== undefined && third !== undefined) {
    return { page: 'schedule', tenant: second, id: third };
  }
  if (first === 'jobs' && parts.length === 1) {
    return {
      page: 'jobs',
      filter: {
        tenant: query.get('tenant') ?? '',
        status: query.get('status') ?? '',
        name: query.get('name') ?? '',
        tag: query.get('tag') ?? '',
      },
    };
  }
  if (first === 'jobs' && parts.length === 2 && second !== undefined) return { page: 'job', id: second };
  if (first === 'live' && parts.length === 1) return { page: 'live' };
  return { page: 'not-found', path: `/${parts.join('/')}` };
}

/** The hash (with its '#') that leads to a route. */
export function formatHash(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'schedules':
      return route.tenant === '' ? '#/schedules' : `#/schedules?tenant=${encodeURIComponent(route.tenant)}`;
    case 'schedule':
      return `#/schedules/${encodeURIComponent(route.tenant)}/${encodeURIComponent(route.id)}`;
    case 'jobs': {
      const query = new URLSearchParams();
      for (const key of ['tenant', 'status', 'name', 'tag'] as const) {
        if (route.filter[key] !== '') query.set(key, route.filter[key]);
      }
      const text = query.toString();
      return text === '' ? '#/jobs' : `#/jobs?${text}`;
    }
    case 'job':
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case 'live':
      return '#/live';
    case 'not-found':
      return `#${route.path}`;
  }
}

export const jobHref = (id: string): string => formatHash({ page: 'job', id });
export const scheduleHref = (tenant: string, id: string): string => formatHash({ page: 'schedule', tenant, id });

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
