// A small stacked bar chart of per-minute counts, drawn as SVG, with a text equivalent: a
// one-line summary under it (its description) and the numbers as a table on request.
import { useId } from 'preact/hooks';
import { viewerZone } from '../lib/clock.js';
import { formatInZone } from '../lib/time.js';

export interface Series {
  key: string;
  label: string;
  /** A class giving the bars their colour (see styles.css: .fill-*). */
  fill: string;
}

export interface ChartPoint {
  at: string;
  values: Record<string, number>;
}

const WIDTH = 600;
const HEIGHT = 120;
const PAD_LEFT = 28;
const PAD_BOTTOM = 16;
const PAD_TOP = 8;

export function BarChart({ name, series, points }: { name: string; series: Series[]; points: ChartPoint[] }) {
  const describedBy = useId();
  const totals = points.map((point) => series.reduce((sum, each) => sum + (point.values[each.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const scaleMax = niceCeiling(max);
  const plotWidth = WIDTH - PAD_LEFT;
  const plotHeight = HEIGHT - PAD_BOTTOM - PAD_TOP;
  const slot = points.length === 0 ? plotWidth : plotWidth / points.length;
  const barWidth = Math.max(1, slot - 2);
  const zone = viewerZone();
  const sums = series.map((each) => points.reduce((sum, point) => sum + (point.values[each.key] ?? 0), 0));
  const empty = points.length === 0 || totals.every((total) => total === 0);
  // Each series' total and its busiest minute: the chart's numbers in words.
  const peaks = series
    .map((each) => {
      const peak = points.reduce<ChartPoint | undefined>(
        (best, point) => ((point.values[each.key] ?? 0) > (best?.values[each.key] ?? 0) ? point : best),
        undefined,
      );
      return peak === undefined
        ? ''
        : `${peak.values[each.key]} ${each.label.toLowerCase()} at ${shortTime(peak.at, zone)}`;
    })
    .filter((text) => text !== '');
  const summary = empty
    ? 'No activity recorded'
    : `Last hour: ${series.map((each, i) => `${sums[i]} ${each.label.toLowerCase()}`).join(', ')}. Busiest minute: ${peaks.join('; ')}.`;

  return (
    <figure class="chart">
      <svg
        role="img"
        aria-label={name}
        aria-describedby={describedBy}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        class="chart-svg"
      >
        {[0, 0.5, 1].map((fraction) => {
          const y = PAD_TOP + plotHeight - fraction * plotHeight;
          const value = fraction * scaleMax;
          return (
            <g key={fraction}>
              <line x1={PAD_LEFT} x2={WIDTH} y1={y} y2={y} class="gridline" />
              {!empty && Number.isInteger(value) && (
                <text x={PAD_LEFT - 6} y={y + 4} class="axis-label" text-anchor="end">
                  {value}
                </text>
              )}
            </g>
          );
        })}
        {points.map((point, index) => {
          let y = PAD_TOP + plotHeight;
          const x = PAD_LEFT + index * slot + 1;
          return (
            <g key={point.at}>
              <title>{`${shortTime(point.at, zone)}: ${series
                .map((each) => `${point.values[each.key] ?? 0} ${each.label.toLowerCase()}`)
                .join(', ')}`}</title>
              {series.map((each) => {
                const value = point.values[each.key] ?? 0;
                if (value === 0) return null;
                const h = (value / scaleMax) * plotHeight;
                y -= h;
                return <rect key={each.key} x={x} y={y} width={barWidth} height={h} class={each.fill} />;
              })}
            </g>
          );
        })}
        {points.length > 0 && (
          <>
            <text x={PAD_LEFT} y={HEIGHT - 2} class="axis-label">
              {shortTime(points[0]?.at ?? '', zone)}
            </text>
            <text x={WIDTH} y={HEIGHT - 2} class="axis-label" text-anchor="end">
              {shortTime(points[points.length - 1]?.at ?? '', zone)}
            </text>
          </>
        )}
      </svg>
      <figcaption>
        <div class="legend">
          {series.map((each) => (
            <span key={each.key} class="legend-item">
              <span class={`swatch ${each.fill}`} aria-hidden="true" />
              {each.label}
            </span>
          ))}
        </div>
        <p id={describedBy} class={empty ? 'chart-empty' : 'chart-summary'}>
          {summary}
        </p>
        {!empty && (
          <details class="chart-table">
            <summary>Show the numbers</summary>
            <table class="table compact">
              <thead>
                <tr>
                  <th scope="col">Minute</th>
                  {series.map((each) => (
                    <th key={each.key} scope="col" class="num">
                      {each.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {points
                  .filter((_, index) => (totals[index] ?? 0) > 0)
                  .map((point) => (
                    <tr key={point.at}>
                      <td>
                        <time dateTime={point.at}>{shortTime(point.at, zone)}</time>
                      </td>
                      {series.map((each) => (
                        <td key={each.key} class="num">
                          {point.values[each.key] ?? 0}
                        </td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </details>
        )}
      </figcaption>
    </figure>
  );
}

/** "14:32" in the viewer's zone. */
function shortTime(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : formatInZone(ms, zone).slice(15, 20);
}

/** 1, 2, 5, 10, 20, 50…: a round top for the scale. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
