// How much one schedule may fire in one tick. A plan (core's planFires) may hold thousands of
// fires: `misfire: 'all'` catches up to `maxCatchUp` (at most 10,000) missed times, each a
// job carrying the template's payload (up to the payload limit). One tick writes at most
// `maxFiresPerTick` of them and at most `maxFirePayloadBytesPerTick` bytes of payload, the
// oldest first; the schedule's `nextFireAt` becomes the first fire left over, so it stays
// due and the next tick, which starts at once, goes on from there. Every fire is still
// written once: each tick's write applies only while `nextFireAt` is the one it planned from.
import type { FirePlan, JobTemplate } from '@cadenza/core';

export interface FireCaps {
  /** Jobs one schedule may create in one tick. */
  maxFires: number;
  /** Payload bytes (JSON text) of the jobs one schedule may create in one tick. */
  maxPayloadBytes: number;
}

/**
 * How many of `planned` fires of a schedule with job `template` one tick may write: at
 * least one, whatever the payload's size, so that every schedule moves on.
 */
export function firesThisTick(template: JobTemplate, planned: number, caps: FireCaps): number {
  if (planned <= 1) return planned;
  const byCount = Math.min(planned, caps.maxFires);
  // Measured only when it may matter: one fire costs nothing to decide.
  const bytes = payloadBytes(template.payload);
  return Math.max(1, Math.min(byCount, Math.floor(caps.maxPayloadBytes / bytes)));
}

/** The first `count` fires of `plan`; the rest wait for the next tick, which starts at the first of them. */
export function capPlan(plan: FirePlan, count: number): FirePlan {
  const next = plan.fireTimes[count];
  if (next === undefined) return plan;
  return { fireTimes: plan.fireTimes.slice(0, count), skipped: plan.skipped, nextFireAt: next };
}

function payloadBytes(payload: unknown): number {
  // Payloads passed core's schemas: JSON that serialises (undefined means null).
  return Math.max(1, Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8'));
}
