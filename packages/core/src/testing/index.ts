/**
 * The store conformance suite: every behaviour of the job lifecycle and schedules (docs/jobs.md, docs/time.md),
 * stated once against the Store interface. Each store's test file runs it:
 *
 *   runStoreConformance('sqlite', { create: async () => openSqliteStore(':memory:') });
 *
 * and a store is done when the whole suite passes. Each test gets a fresh store from the
 * harness and closes it afterwards; time is passed in as fixed instants, so no clock is
 * involved and the suite runs in well under a few seconds on a local store.
 *
 * Beside it, helpers for the other packages' tests: `drive` (runs a FakeClock until a
 * promise settles), `newJob` (a valid NewJob), `allJobs` (every page of a list, read to
 * its end), `spyStore` (a store whose calls are seen) and `tempFolder` (a test file's folder
 * for a file-backed store).
 */
import { describe } from 'vitest';
import { cancelTests } from './cancel.js';
import { claimAndFairnessTests } from './claim-and-fairness.js';
import { dashboardReadsDeclarationTest, dashboardReadsTests } from './dashboard-reads.js';
import { delayedTests } from './delayed.js';
import { dependencyTests } from './dependencies.js';
import { doctorTests } from './doctor.js';
import { enqueueTests } from './enqueue.js';
import { type StoreHarness, storeFixture } from './fixtures.js';
import { leaderTickDeclarationTest, leaderTickTests } from './leader-ticks.js';
import { leadershipTests } from './leadership-and-fencing.js';
import { leaseTests } from './leases.js';
import { limitTests } from './limits.js';
import { queryTests } from './queries.js';
import { recordFiresTests } from './record-fires.js';
import { resourceTests } from './resources.js';
import { retentionTests } from './retention.js';
import { scheduleTests } from './schedules.js';
import { settleAndRetryTests } from './settle-and-retry.js';
import { sizeTests } from './sizes.js';

export { drive } from './drive.js';
export { allJobs, newJob, type StoreHarness, type StoreOptions, scheduleDefinition } from './fixtures.js';
export { scheduleJob } from './schedule-fixtures.js';
export { seededRandom } from './seeded-random.js';
export { type SpyStore, spyStore } from './spy-store.js';
export { type TempFolder, tempFolder } from './temp-folder.js';

/**
 * States every behaviour of the job lifecycle and schedules (docs/jobs.md, docs/time.md)
 * against a store, and of the optional methods its harness says it has
 * (`keepsLeaderTicks`, `keepsDashboardReads`).
 */
export function runStoreConformance(name: string, harness: StoreHarness): void {
  describe(`store conformance: ${name}`, () => {
    const fixture = storeFixture(harness);
    enqueueTests(fixture);
    claimAndFairnessTests(fixture);
    leaseTests(fixture);
    settleAndRetryTests(fixture);
    dependencyTests(fixture);
    cancelTests(fixture);
    delayedTests(fixture);
    queryTests(fixture);
    retentionTests(fixture);
    leadershipTests(fixture);
    scheduleTests(fixture);
    recordFiresTests(fixture);
    limitTests(fixture);
    resourceTests(fixture);
    sizeTests(fixture);
    doctorTests(fixture);
    leaderTickDeclarationTest(fixture);
    if (harness.keepsLeaderTicks === true) leaderTickTests(fixture);
    dashboardReadsDeclarationTest(fixture);
    if (harness.keepsDashboardReads !== false) dashboardReadsTests(fixture);
  });
}
