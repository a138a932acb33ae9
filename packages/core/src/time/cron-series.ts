// Cron wall times → instants, by the daylight-saving rules of docs/time.md (RFC 5545 / Temporal
// 'compatible'):
// - a wall time skipped by a spring-forward jump fires once, later by the size of the jump;
// - a wall time repeated by a fall-back fires at its first occurrence only, unless the hour
//   field is `*` or `*∕n`: then the cadence goes on in real time through both occurrences;
// - two fires never share an instant.
//
// We cut the time line into pieces of constant offset (zones.ts) and treat each by kind:
// - plain: every instant has one wall time (instant + offset) and vice versa;
// - spring: the first `jump` ms after a forward transition, where fire times come both from
//   real wall times and from skipped ones (shifted), so they are merged and deduplicated;
// - fall: the first `jump` ms after a backward transition, whose wall times are second
//   occurrences (their first occurrences lie in the piece before): they fire only with an
//   hour cadence.
// Pieces are disjoint and ordered, so results stay sorted across them, and counting a plain
// piece is arithmetic (walls.ts) however many fire times it holds.
import type { CronSpec } from './cron.js';
import { countWalls, nextWall, wallsBetween } from './walls.js';
import { spanAt } from './zones.js';

/** Searching further than this for a next fire means there is none (walls.ts scans 400 years). */
const SEARCH_LIMIT_MS = 401 * 366 * 86_400_000;

interface Piece {
  kind: 'plain' | 'spring' | 'fall';
  /** `[start, end)` in epoch ms. */
  start: number;
  end: number;
  offset: number;
  offsetBefore: number;
}

function pieceAt(zone: string, instant: number): Piece {
  const span = spanAt(zone, instant);
  const jump = span.offset - span.offsetBefore;
  const edge = Math.min(span.start + Math.abs(jump), span.end);
  if (jump !== 0 && instant < edge) {
    return {
      kind: jump > 0 ? 'spring' : 'fall',
      start: span.start,
      end: edge,
      offset: span.offset,
      offsetBefore: span.offsetBefore,
    };
  }
  return {
    kind: 'plain',
    start: jump === 0 ? span.start : edge,
    end: span.end,
    offset: span.offset,
    offsetBefore: span.offsetBefore,
  };
}

/** Fire instants of one piece within `(low, high]`, ascending, at most `limit`. */
function firesInPiece(spec: CronSpec, piece: Piece, low: number, high: number, limit: number): number[] {
  const from = Math.max(low, piece.start - 1);
  const to = Math.min(high, piece.end - 1);
  if (to <= from) return [];
  if (piece.kind === 'fall' && !spec.hourCadence) return [];
  const own = wallsBetween(spec, from + piece.offset, to + piece.offset, limit).map((wall) => wall - piece.offset);
  if (piece.kind !== 'spring') return own;
  // Skipped wall times, read with the offset before the jump, land in this piece too.
  const shifted = wallsBetween(spec, from + piece.offsetBefore, to + piece.offsetBefore, limit).map(
    (wall) => wall - piece.offsetBefore,
  );
  const merged = [...new Set([...own, ...shifted])].sort((a, b) => a - b);
  return merged.slice(0, limit);
}

function countInPiece(spec: CronSpec, piece: Piece, low: number, high: number): number {
  if (piece.kind === 'spring') return firesInPiece(spec, piece, low, high, Number.POSITIVE_INFINITY).length;
  if (piece.kind === 'fall' && !spec.hourCadence) return 0;
  const from = Math.max(low, piece.start - 1);
  const to = Math.min(high, piece.end - 1);
  return to <= from ? 0 : countWalls(spec, from + piece.offset, to + piece.offset);
}

/** Fire instants in `(low, high]`, ascending, at most `limit`. */
export function cronFiresBetween(spec: CronSpec, zone: string, low: number, high: number, limit: number): number[] {
  const fires: number[] = [];
  for (let cursor = low + 1; cursor <= high && fires.length < limit; ) {
    const piece = pieceAt(zone, cursor);
    fires.push(...firesInPiece(spec, piece, low, high, limit - fires.length));
    cursor = Math.max(piece.end, cursor + 1); // never stall, even on a malformed span
  }
  return fires;
}

/** How many fire instants fall in `(low, high]`. */
export function cronCountBetween(spec: CronSpec, zone: string, low: number, high: number): number {
  let count = 0;
  for (let cursor = low + 1; cursor <= high; ) {
    const piece = pieceAt(zone, cursor);
    count += countInPiece(spec, piece, low, high);
    cursor = Math.max(piece.end, cursor + 1); // never stall, even on a malformed span
  }
  return count;
}

/** The first fire instant strictly after `after`, or undefined when the expression never fires again. */
export function cronFirstAfter(spec: CronSpec, zone: string, after: number): number | undefined {
  for (let cursor = after + 1; cursor <= after + SEARCH_LIMIT_MS; ) {
    const piece = pieceAt(zone, cursor);
    if (piece.kind === 'plain' || (piece.kind === 'fall' && spec.hourCadence)) {
      const from = Math.max(after, piece.start - 1);
      const wall = nextWall(spec, from + piece.offset);
      if (wall === undefined) return undefined;
      if (wall - piece.offset < piece.end) return wall - piece.offset;
    } else if (piece.kind === 'spring') {
      const [first] = firesInPiece(spec, piece, after, piece.end - 1, 1);
      if (first !== undefined) return first;
    }
    cursor = Math.max(piece.end, cursor + 1); // never stall, even on a malformed span
  }
  return undefined;
}
