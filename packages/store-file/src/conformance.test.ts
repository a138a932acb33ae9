import { sharingOptionsOf } from '@cadenza/core';
import { runStoreConformance } from '@cadenza/core/testing';
import { createFileStore, type FileStoreFormat } from './index.js';
import { tempFolder } from './temp-dir.test-helpers.js';

const folder = tempFolder();

for (const format of ['json', 'snapshot'] satisfies FileStoreFormat[]) {
  runStoreConformance(format, {
    create: async (options) =>
      createFileStore({
        path: folder.file(format),
        format,
        ...sharingOptionsOf(options ?? {}),
      }),
  });
}
