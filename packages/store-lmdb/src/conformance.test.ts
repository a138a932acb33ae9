import { runStoreConformance } from '@cadenza/core/testing';
import { createLmdbStore } from './index.js';
import { tempFolder } from './temp-dir.test-helpers.js';

const folder = tempFolder();

runStoreConformance('lmdb', {
  create: async (options) =>
    createLmdbStore({
      path: folder.file(),
      ...(options?.tenantWeights === undefined ? {} : { tenantWeights: options.tenantWeights }),
      ...(options?.tenantLimits === undefined ? {} : { tenantLimits: options.tenantLimits }),
      ...(options?.resources === undefined ? {} : { resources: options.resources }),
      ...(options?.jobConcurrency === undefined ? {} : { jobConcurrency: options.jobConcurrency }),
    }),
});
