import { invalidArgument } from '../errors.js';
import type { JobInclude } from '../store/store.js';
import { JOB_INCLUDE_FIELDS } from '../store/support/job-query.js';

const EXPECTED = `${JOB_INCLUDE_FIELDS.join(', ')}, or both separated by a comma (payload,result)`;

/**
 * The words of `GET /v1/jobs?include=payload,result` (and the CLI's `--include`) as a
 * JobQuery's `include`. Anything but the allowed names, each at most once, is refused with
 * `invalid_argument` naming `field` and the allowed values.
 */
export function parseJobInclude(text: string, field = 'include'): JobInclude {
  const words = text.split(',');
  const include: JobInclude = {};
  for (const word of words) {
    const known = JOB_INCLUDE_FIELDS.find((name) => name === word);
    if (known === undefined || include[known] === true) throw invalidArgument(field, text, EXPECTED);
    include[known] = true;
  }
  return include;
}
