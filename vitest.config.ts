import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts', 'test/support/hub/service-ca.ts'],
    // The real-engine tests share one engine: files run one after another so one file's
    // planted volumes and containers never show up in another's findings mid-run.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
