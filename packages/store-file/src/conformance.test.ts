import { sharingOptionsOf } from '@cadenza/core/store-kit';
import { runStoreConformance, tempFolder } from '@cadenza/core/testing';
import { createFileStore, type FileStoreFormat } from './index.js';

const folder = tempFolder('store-file', 'state');

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
