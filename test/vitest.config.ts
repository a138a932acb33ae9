import { defineConfig } from 'vitest/config';

/**
 * Files whose subject is timing, pace or failover under faults: each runs with the machine to
 * itself, so that another file's processes cannot stretch the waits they bound (a lease
 * running out while a worker is starved of CPU, a fire late past its grace, a fairness bound).
 */
const ALONE = [
  'chaos/**/*.test.ts',
  'process/ha-*.test.ts',
  'process/fairness.test.ts',
  'process/weights.test.ts',
  'process/limits.test.ts',
  'process/cpu-handlers.test.ts',
  'process/shutdown.test.ts',
  'process/outage.test.ts',
];

// The rest assert on outcomes whatever the pace: one file per core at a time. Every file
// starts its own redis-server and processes on free ports and works in a temp dir of its
// own, so two files never share anything. The alone group runs after them, one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          exclude: [...ALONE, '**/node_modules/**'],
          maxWorkers: '100%',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
