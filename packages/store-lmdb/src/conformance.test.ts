import { sharingOptionsOf } from '@cadenza/core';
import { runStoreConformance } from '@cadenza/core/testing';
import { createLmdbStore } from './index.js';
import { tempFolder } from './temp-dir.test-helpers.js';

const folder = tempFolder();

runStoreConformance('lmdb', {
  create: async (options) =>
    createLmdbStore({
      path: folder.file(),
      ...sharingOptionsOf(options ?? {}),
    }),
});
