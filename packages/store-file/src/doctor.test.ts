import { readFile, writeFile } from 'node:fs/promises';
import type { NewJob, Store } from '@cadenza/core';
import { type MemoryStateSnapshot, newJobId } from '@cadenza/core/store-kit';
import { newJob, tempFolder } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import type { Codec } from './codec.js';
import { jsonCodec } from './codec-json.js';
import { snapshotCodec } from './codec-snapshot.js';
import { createFileStore, type FileStoreFormat } from './index.js';

/*
 * The file stores answer doctor with the memory store's (core's memory/doctor.test.ts
 * breaks each invariant); what is theirs is reading a damaged file and writing the repair
 * back. A file is damaged here as another program (or an older bug) could: an index in
 * it that disagrees with the jobs, which the file's own checks on opening let through.
 */

const T0 = Date.UTC(2026, 0, 1);
const NOW = T0 + 60_000;
const folder = tempFolder('store-file', 'state');
const CODECS: Record<FileStoreFormat, Codec> = { json: jsonCodec, snapshot: snapshotCodec };

const job = (fields: Partial<NewJob> = {}): NewJob => newJob({ id: newJobId(fields.tenant ?? 'acme', T0), ...fields });

/** The store's doctor: optional in core's Store, always there on a file store. */
function doctorOf(store: Store): NonNullable<Store['doctor']> {
  const doctor = store.doctor;
  if (doctor === undefined) throw new Error('a file store has a doctor');
  return doctor.bind(store);
}

async function readSnapshot(path: string, codec: Codec): Promise<MemoryStateSnapshot> {
  return codec.decode(await readFile(path)) as MemoryStateSnapshot;
}

for (const format of ['json', 'snapshot'] satisfies FileStoreFormat[]) {
  describe(`${format} store doctor`, () => {
    const codec = CODECS[format];

    /** A file holding a waiting job and an active one, written and closed. */
    async function healthyFile(): Promise<{ path: string; waiting: string; active: string }> {
      const path = folder.file(format);
      const store = await createFileStore({ path, format });
      const [active, waiting] = await store.enqueue([job({ priority: 9 }), job()], T0);
      await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 });
      expect((await doctorOf(store)({ repair: false, now: NOW })).findings).toEqual([]);
      await store.close();
      if (active === undefined || waiting === undefined) throw new Error('both jobs were created');
      return { path, waiting: waiting.id, active: active.id };
    }

    it('finds a waiting job the file left out of the ready queues, and writes the repair at once', async () => {
      const { path, waiting } = await healthyFile();
      const broken = await readSnapshot(path, codec);
      broken.ready = broken.ready.map((band) => ({ ...band, tenants: [] }));
      await writeFile(path, codec.encode(broken));

      const store = await createFileStore({ path, format, debounceMs: 60_000 });
      const found = await doctorOf(store)({ repair: false, now: NOW });
      expect(found.findings.map((f) => [f.check, f.subject, f.repaired])).toEqual([['placement', waiting, undefined]]);
      const fixed = await doctorOf(store)({ repair: true, now: NOW });
      expect(fixed.findings).toEqual([
        { check: 'placement', subject: waiting, message: expect.any(String), repaired: expect.any(String) },
      ]);
      // Written before doctor answered, though the debounce would have waited a minute.
      const written = await readSnapshot(path, codec);
      expect(written.ready[5]?.tenants).toEqual([['acme', [waiting]]]);
      expect((await doctorOf(store)({ repair: false, now: NOW })).findings).toEqual([]);
      await store.close();

      const reopened = await createFileStore({ path, format });
      expect((await doctorOf(reopened)({ repair: false, now: NOW })).findings).toEqual([]);
      await reopened.close();
    });

    it('reports an active job the file keeps with no lease, and leaves the file as it was', async () => {
      const { path, active } = await healthyFile();
      const broken = await readSnapshot(path, codec);
      for (const row of broken.jobs) if (row.id === active) delete row.lease;
      await writeFile(path, codec.encode(broken));
      const bytes = await readFile(path);

      const store = await createFileStore({ path, format, debounceMs: 0 });
      for (const repair of [false, true]) {
        const report = await doctorOf(store)({ repair, now: NOW });
        expect(report.findings).toEqual([{ check: 'leases', subject: active, message: expect.any(String) }]);
        expect(report.checked).toEqual({ tenants: 1, jobs: 2, schedules: 0 });
      }
      await store.close();
      expect(await readFile(path)).toEqual(bytes);
    });
  });
}
