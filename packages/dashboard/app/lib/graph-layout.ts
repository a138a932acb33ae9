// Where the boxes of a job's dependency graph go: the job on the right, the jobs it depends
// on (its parents) in the column to its left, and their parents in the column before that
// (two levels, docs/jobs.md "Dependencies"). Pure: ids in, coordinates for SVG out.

export interface GraphJob {
  id: string;
  name?: string;
  status?: string;
  dependsOn: readonly string[];
}

export interface PlacedNode {
  id: string;
  /** 0 for the job itself, 1 for its parents, 2 for theirs. */
  level: number;
  x: number;
  y: number;
  /** undefined when the job could not be read (retention may have deleted it). */
  job: GraphJob | undefined;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** An SVG path from the parent's right side to the child's left side. */
  path: string;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  /** Parents left out of a column past `maxPerLevel`. */
  hidden: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 48;
const GAP_X = 56;
const GAP_Y = 14;

export function layoutDependencies(
  rootId: string,
  jobs: ReadonlyMap<string, GraphJob>,
  levels = 2,
  maxPerLevel = 12,
): GraphLayout {
  // The deepest level a job is found at wins, so that every edge points rightwards.
  const levelOf = new Map<string, number>([[rootId, 0]]);
  const columns: string[][] = [[rootId]];
  let hidden = 0;
  for (let level = 1; level <= levels; level++) {
    const column: string[] = [];
    for (const child of columns[level - 1] ?? []) {
      for (const parent of jobs.get(child)?.dependsOn ?? []) {
        if (parent === rootId || column.includes(parent)) continue;
        if (column.length >= maxPerLevel) {
          hidden++;
          continue;
        }
        column.push(parent);
      }
    }
    if (column.length === 0) break;
    for (const id of column) {
      const before = levelOf.get(id);
      if (before !== undefined) columns[before] = (columns[before] ?? []).filter((other) => other !== id);
      levelOf.set(id, level);
    }
    columns.push(column);
  }

  const depth = columns.length - 1;
  const tallest = Math.max(...columns.map((column) => column.length));
  const height = tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
  const width = (depth + 1) * NODE_WIDTH + depth * GAP_X;
  const nodes: PlacedNode[] = [];
  const placed = new Map<string, PlacedNode>();
  columns.forEach((column, level) => {
    const x = (depth - level) * (NODE_WIDTH + GAP_X);
    const columnHeight = column.length * NODE_HEIGHT + (column.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2;
    column.forEach((id, index) => {
      const node: PlacedNode = { id, level, x, y: top + index * (NODE_HEIGHT + GAP_Y), job: jobs.get(id) };
      nodes.push(node);
      placed.set(id, node);
    });
  });

  const edges: PlacedEdge[] = [];
  for (const child of nodes) {
    for (const parentId of child.job?.dependsOn ?? []) {
      const parent = placed.get(parentId);
      if (parent === undefined || parent.level <= child.level) continue;
      const x1 = parent.x + NODE_WIDTH;
      const y1 = parent.y + NODE_HEIGHT / 2;
      const x2 = child.x;
      const y2 = child.y + NODE_HEIGHT / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: parentId, to: child.id, path: `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}` });
    }
  }
  return { nodes, edges, width, height, hidden };
}
