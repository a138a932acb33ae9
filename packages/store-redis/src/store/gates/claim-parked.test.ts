import { describe, expect, it } from 'vitest';
import { localId, tenantKeys } from '../../keys.js';
import { Scripts } from '../../scripts/call.js';
import { newJob } from '../../testing/jobs.test-helpers.js';
import { redisPerFile } from '../../testing/redis-per-file.test-helpers.js';
import { type ClaimAnswer, decodeClaimAnswer } from '../claim-answer.js';
import { decodeNotes } from '../script-notes.js';

// A claim-parked.lua call whose answer was lost (the connection failed) is sent again with
// the same claim id (claim-calls.ts), and the script answers from its memo. The calls are
// made here through the store's script runner, with the arguments claim-calls.ts gives
// them, so that the lost answer is reproduced exactly: the same call twice.
const NOW = 1_700_000_000_000;
const LEASE = NOW + 30_000;

const file = redisPerFile();

describe('redis store: a lost claim-parked answer asked again', () => {
  it('hands out nothing that was canceled since the first call', async () => {
    const { store, prefix } = file.freshStore({ resources: { gpu: 1 } });
    const job = { ...newJob('acme', 5), resources: { gpu: 1 } };
    await store.enqueue([job], NOW);
    const redis = file.redis;
    const scripts = new Scripts(redis);
    const keys = tenantKeys(prefix, 'acme').declared;
    const id = localId('acme', job.id);
    const call = async (script: string, args: (string | number)[]): Promise<ClaimAnswer> => {
      const reply = (await scripts.call(redis, script, keys, args)) as unknown[];
      return decodeClaimAnswer('acme', decodeNotes(reply, ['acme']).answer);
    };
    // claim.lua parks the gated job and offers it (gates 'r:gpu', offer 1).
    const offered = await call('claim', [NOW, 5, 1, 'w1', LEASE, 'c1', '', '', '', '', 'r:gpu', 1]);
    expect(offered.pairs).toEqual([[id, 'r:gpu=1']]);
    // Its grant leased by claim-parked.lua under claim id p1 (the first ten arguments as claim.lua's).
    const claimParked = () =>
      call('claim-parked', [NOW, 5, 0, 'w1', LEASE, 'p1', 'c1', '', '', '', id, `acme/${id}/p1`]);
    const first = await claimParked();
    expect(first.jobs.map((j) => [j.id, j.status])).toEqual([[job.id, 'active']]);
    // That answer never reached the worker; meanwhile the job is canceled (it keeps its lease token).
    expect(await store.cancel(job.id, NOW + 1)).toMatchObject({ status: 'canceled' });
    // The same call again: its memo names the job, which is no longer leased to anyone.
    const again = await claimParked();
    expect(again.jobs.map((j) => [j.id, j.status])).toEqual([]);
    expect((await store.getJob(job.id))?.status).toBe('canceled');
  });
});
