import { describe, expect, it } from 'vitest';
import { type StatusView, statusText } from './status-text.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const leader = { nodeId: 'node-1', epoch: 3, expiresAt: NOW + 7_500 };
const view = (over: Partial<StatusView>): StatusView => ({
  leader,
  ticksKept: true,
  nodes: undefined,
  depths: [],
  ...over,
});
const leaderLine = (v: StatusView) => statusText(NOW, v).split('\n')[0];

describe('the leader line of cadenza status', () => {
  it('says how long ago the leader ticked, where the store keeps it', () => {
    expect(leaderLine(view({ leader: { ...leader, lastTickAt: NOW - 1_200 } }))).toBe(
      'leader: node-1 (epoch 3, lease expires in 8s), last tick 1.2s ago',
    );
  });

  it('says "no tick yet" only when the store keeps ticks and has none of this leader', () => {
    expect(leaderLine(view({}))).toBe('leader: node-1 (epoch 3, lease expires in 8s), no tick yet');
  });

  // A json: or snapshot: store does not keep ticks: its leader may be ticking all along.
  it('says the store does not keep ticks rather than claiming the leader never ticked', () => {
    const line = leaderLine(view({ ticksKept: false }));
    expect(line).toBe(
      'leader: node-1 (epoch 3, lease expires in 8s), last tick not kept by this store (one node: see its /v1/cluster)',
    );
    expect(line).not.toContain('no tick yet');
  });

  it('says when nobody leads', () => {
    expect(leaderLine(view({ leader: undefined, ticksKept: false }))).toBe('leader: none');
  });
});
