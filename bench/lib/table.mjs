// Builds the table (figure | cadenza | BullMQ | ratio | target met?) from the summaries, for
// the terminal and for BENCHMARKS.md (markdown; the same cells).
import { ROWS } from './figures.mjs';

function number(value, digits) {
  if (value === Number.POSITIVE_INFINITY) return '∞';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(summary, row) {
  if (summary === undefined) return '—';
  const unit = row.unit ? ` ${row.unit}` : '';
  const { median, min, max, runs } = summary;
  if (runs === 1 || min === max) return `${number(median, row.digits)}${unit}`;
  return `${number(median, row.digits)}${unit} (${number(min, row.digits)}–${number(max, row.digits)})`;
}

/** Rows of strings: [figure, cadenza, BullMQ, ratio, target met?]. */
export function buildRows(summaries) {
  const out = [];
  for (const row of ROWS) {
    const c = summaries.cadenza?.[row.key];
    const b = summaries.BullMQ?.[row.key];
    if (c === undefined && b === undefined) continue;
    let cadenzaCell = cell(c, row);
    if (row.expectedKey && summaries.cadenza?.[row.expectedKey]) {
      cadenzaCell += ` (of ${number(summaries.cadenza[row.expectedKey].median, 0)})`;
    }
    let bullCell = cell(b, row);
    if (row.expectedKey && summaries.BullMQ?.[row.expectedKey]) {
      bullCell += ` (of ${number(summaries.BullMQ[row.expectedKey].median, 0)})`;
    }
    const ratio = c && b && b.median !== 0 ? c.median / b.median : undefined;
    const ratioCell = ratio === undefined || !Number.isFinite(ratio) ? '—' : `×${number(ratio, ratio < 10 ? 2 : 1)}`;
    let met = '';
    if (row.target && c !== undefined) {
      if (row.target.needsBullmq && ratio === undefined) {
        met = `? (${row.target.text}; no BullMQ figure)`;
      } else {
        const ok = row.target.check({ cadenza: c.median, bullmq: b?.median, ratio });
        met = ok ? `yes (${row.target.text})` : `**NO** (${row.target.text})`;
      }
    }
    out.push([row.figure, cadenzaCell, bullCell, ratioCell, met]);
  }
  return out;
}

const HEADER = ['figure', 'cadenza', 'BullMQ', 'ratio', 'target met?'];

export function renderText(rows) {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, k) => Math.max(...all.map((r) => r[k].replaceAll('**', '').length)));
  const line = (r) => r.map((c, k) => c.replaceAll('**', '').padEnd(widths[k])).join(' │ ');
  return [line(HEADER), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

export function renderMarkdown(rows) {
  const line = (r) => `| ${r.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map(line)].join('\n');
}
