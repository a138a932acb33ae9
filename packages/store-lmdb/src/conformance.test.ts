import { sharingOptionsOf } from '@cadenza/core/store-kit';
import { runStoreConformance, tempFolder } from '@cadenza/core/testing';
import { createLmdbStore } from './index.js';

const folder = tempFolder('store-lmdb', 'lmdb');

runStoreConformance('lmdb', {
  create: async (options) =>
    createLmdbStore({
      path: folder.file(),
      ...sharingOptionsOf(options ?? {}),
    }),
});
