// A job's parents (and theirs) as boxes joined by arrows: each box links to its job and says
// its status in words. Laid out by lib/graph-layout.ts. Keyboard and screen-reader users
// reach the same jobs through the nested list the job page puts under it.
import type { GraphLayout } from '../lib/graph-layout.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/graph-layout.js';
import { jobHref } from '../lib/router.js';

export function DependencyGraph({ id, layout }: { id: string; layout: GraphLayout }) {
  return (
    <div class="graph-scroll">
      <svg
        role="img"
        aria-label={`Dependencies of ${id}`}
        viewBox={`-2 -2 ${layout.width + 4} ${layout.height + 4}`}
        width={layout.width + 4}
        height={layout.height + 4}
        class="graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0 0L8 4L0 8z" class="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path key={`${edge.from}>${edge.to}`} d={edge.path} class="graph-edge" marker-end="url(#arrow)" />
        ))}
        {layout.nodes.map((node) => {
          const status = node.job?.status ?? 'unknown';
          const label = `${node.job?.name ?? 'unknown job'} ${node.id}, ${status}`;
          const box = (
            <g class={`graph-node status-${status}${node.level === 0 ? ' graph-root' : ''}`}>
              <rect x={node.x} y={node.y} width={NODE_WIDTH} height={NODE_HEIGHT} rx="8" class="graph-box" />
              <rect x={node.x} y={node.y} width="5" height={NODE_HEIGHT} rx="2" class="graph-stripe" />
              <text x={node.x + 14} y={node.y + 20} class="graph-name">
                {clip(node.job?.name ?? 'unknown job', 22)}
              </text>
              <text x={node.x + 14} y={node.y + 37} class="graph-meta">
                {status} · {clip(node.id.slice(node.id.indexOf(':') + 1), 14)}
              </text>
            </g>
          );
          return node.level === 0 ? (
            <g key={node.id}>{box}</g>
          ) : (
            // The picture is one image to assistive technology, which does not reach links
            // inside it: its boxes are for the pointer, the list under it for the keyboard.
            <a key={node.id} href={jobHref(node.id)} aria-label={label} tabIndex={-1}>
              <title>{label}</title>
              {box}
            </a>
          );
        })}
      </svg>
    </div>
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
