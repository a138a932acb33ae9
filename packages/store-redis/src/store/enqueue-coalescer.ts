import { CadenzaError, type EnqueueResult, MAX_BATCH_JOBS, type NewJob } from '@cadenza/core';

type Send = (jobs: readonly NewJob[], now: number) => Promise<EnqueueResult[]>;

interface Call {
  jobs: readonly NewJob[];
  resolve: (results: EnqueueResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Enqueue calls made in the same turn of the event loop (with the same `now`) go to Redis
 * together: one script per tenant for all of them. A script call has a fixed cost of its
 * own (about 10 µs of Redis CPU to set up, whatever it carries), so a service enqueueing
 * jobs one by one with many in flight would otherwise spend most of Redis on it.
 *
 * Merged calls behave as if sent one after another: a repeated idempotency key in a later
 * call finds the earlier call's job. A merged batch is one atomic script call whatever
 * tenants it spans, so a refused one has written nothing; it is then sent call by call,
 * so that the refusal reaches only the call it belongs to, worded for that call's own
 * batch, and no other call finds its own jobs written already. A merge holds at most
 * MAX_BATCH_JOBS jobs (a call alone may be larger), so that one script's work stays
 * bounded by what a single request may ask.
 */
export class EnqueueCoalescer {
  private readonly waiting = new Map<number, Call[]>();
  private scheduled = false;

  constructor(private readonly send: Send) {}

  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    if (!Array.isArray(jobs) || jobs.length === 0) return this.send(jobs, now);
    return new Promise<EnqueueResult[]>((resolve, reject) => {
      const calls = this.waiting.get(now);
      if (calls === undefined) this.waiting.set(now, [{ jobs, resolve, reject }]);
      else calls.push({ jobs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.waiting];
    this.waiting.clear();
    for (const [now, calls] of groups) {
      let merge: Call[] = [];
      let size = 0;
      for (const call of calls) {
        if (merge.length > 0 && size + call.jobs.length > MAX_BATCH_JOBS) {
          void this.sendMerged(now, merge);
          merge = [];
          size = 0;
        }
        merge.push(call);
        size += call.jobs.length;
      }
      void this.sendMerged(now, merge);
    }
  }

  private async sendMerged(now: number, calls: Call[]): Promise<void> {
    if (calls.length === 1) {
      const [call] = calls as [Call];
      this.send(call.jobs, now).then(call.resolve, call.reject);
      return;
    }
    let results: EnqueueResult[];
    try {
      results = await this.send(
        calls.flatMap((call) => call.jobs),
        now,
      );
    } catch (error) {
      if (!isRefusal(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      for (const call of calls) await this.send(call.jobs, now).then(call.resolve, call.reject);
      return;
    }
    let at = 0;
    for (const call of calls) {
      call.resolve(results.slice(at, at + call.jobs.length));
      at += call.jobs.length;
    }
  }
}

/** A refusal of the input (nothing written), as opposed to a fault of the connection. */
function isRefusal(error: unknown): boolean {
  return error instanceof CadenzaError && (error.code === 'invalid_argument' || error.code === 'conflict');
}
