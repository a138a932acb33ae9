import { describe, expect, it } from 'vitest';
import { type GraphJob, layoutDependencies, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';

function jobs(...list: GraphJob[]): Map<string, GraphJob> {
  return new Map(list.map((job) => [job.id, job]));
}

describe('layoutDependencies', () => {
  it('puts the job on the right, its parents left of it, theirs further left', () => {
    const layout = layoutDependencies(
      'load',
      jobs(
        { id: 'load', dependsOn: ['transform', 'audit'] },
        { id: 'transform', dependsOn: ['extract'] },
        { id: 'audit', dependsOn: [] },
        { id: 'extract', dependsOn: ['source'] },
      ),
    );
    const byId = new Map(layout.nodes.map((node) => [node.id, node]));
    expect(byId.get('load')?.level).toBe(0);
    expect(byId.get('transform')?.level).toBe(1);
    expect(byId.get('audit')?.level).toBe(1);
    expect(byId.get('extract')?.level).toBe(2);
    // Two levels only: the grandparent's own parent is not drawn.
    expect(byId.has('source')).toBe(false);
    const x = (id: string) => byId.get(id)?.x ?? Number.NaN;
    expect(x('extract')).toBe(0);
    expect(x('transform')).toBeGreaterThan(x('extract') + NODE_WIDTH);
    expect(x('load')).toBeGreaterThan(x('transform') + NODE_WIDTH);
    expect(layout.width).toBe(x('load') + NODE_WIDTH);
    // Two parents stacked: the column is as tall as the drawing; the others are centred in it.
    expect(layout.height).toBeGreaterThan(2 * NODE_HEIGHT);
    expect(byId.get('load')?.y).toBe((layout.height - NODE_HEIGHT) / 2);
    expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`).sort()).toEqual([
      'audit>load',
      'extract>transform',
      'transform>load',
    ]);
    // Each edge starts at its parent's right side and ends at its child's left side.
    const edge = layout.edges.find((e) => e.from === 'transform');
    expect(edge?.path.startsWith(`M${x('transform') + NODE_WIDTH} `)).toBe(true);
    expect(edge?.path.endsWith(` ${x('load')} ${(byId.get('load')?.y ?? 0) + NODE_HEIGHT / 2}`)).toBe(true);
  });

  it('draws a shared grandparent once, and a parent that is also a grandparent at the deeper level', () => {
    const layout = layoutDependencies(
      'c',
      jobs(
        { id: 'c', dependsOn: ['a', 'b', 'shared'] },
        { id: 'a', dependsOn: ['shared'] },
        { id: 'b', dependsOn: ['shared'] },
        { id: 'shared', dependsOn: [] },
      ),
    );
    expect(layout.nodes.filter((node) => node.id === 'shared')).toHaveLength(1);
    expect(layout.nodes.find((node) => node.id === 'shared')?.level).toBe(2);
    expect(
      layout.edges
        .filter((edge) => edge.from === 'shared')
        .map((edge) => edge.to)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    for (const edge of layout.edges) {
      const from = layout.nodes.find((node) => node.id === edge.from);
      const to = layout.nodes.find((node) => node.id === edge.to);
      expect(from?.x ?? 0).toBeLessThan(to?.x ?? 0);
    }
  });

  it('keeps parents it could not read, as boxes without a job', () => {
    const layout = layoutDependencies('c', jobs({ id: 'c', dependsOn: ['gone'] }));
    expect(layout.nodes.map((node) => [node.id, node.job])).toEqual([
      ['c', { id: 'c', dependsOn: ['gone'] }],
      ['gone', undefined],
    ]);
    expect(layout.edges).toHaveLength(1);
  });

  it('draws at most maxPerLevel parents a column and counts the rest', () => {
    const parents = Array.from({ length: 15 }, (_, i) => `p${i}`);
    const layout = layoutDependencies('c', jobs({ id: 'c', dependsOn: parents }), 2, 12);
    expect(layout.nodes.filter((node) => node.level === 1)).toHaveLength(12);
    expect(layout.hidden).toBe(3);
  });

  it('is one box for a job without parents', () => {
    const layout = layoutDependencies('c', jobs({ id: 'c', dependsOn: [] }));
    expect(layout.nodes).toHaveLength(1);
    expect(layout).toMatchObject({ width: NODE_WIDTH, height: NODE_HEIGHT, edges: [], hidden: 0 });
  });
});
