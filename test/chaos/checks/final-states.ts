/** Every job the run enqueued (and every fire) reached a final state in the store. */
const FINAL = new Set(['succeeded', 'failed', 'canceled']);

export interface JobState {
  id: string;
  status: string;
}

/** One line per job that is missing from the store or not final. */
export function notFinal(enqueued: readonly string[], stored: readonly (JobState | undefined)[]): string[] {
  const byId = new Map(stored.filter((j) => j !== undefined).map((j) => [j.id, j]));
  const out: string[] = [];
  for (const id of enqueued) {
    const job = byId.get(id);
    if (job === undefined) out.push(`${id}: acknowledged by enqueue, but not in the store`);
    else if (!FINAL.has(job.status)) out.push(`${id}: still ${job.status}`);
  }
  return out;
}
