import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'shared/**/*.test.ts',
            'models/**/*.test.ts',
            'widget/lib/**/*.test.ts',
            'scripts/**/*.test.ts',
            'cli/**/*.test.ts',
            'test/package.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'worker',
          include: ['worker/**/*.test.ts'],
          globalSetup: ['test/setup/wrangler.ts'],
          // Files that start a wrangler dev of their own (restricted CORS, fault fixtures) make the
          // shared one reload its bundle, which answers in-flight requests of other files with
          // wrangler's "restarted mid-request" 503: run the files one after another.
          fileParallelism: false,
          setupFiles: ['test/setup/wrangler-log.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['widget/**/*.browser.test.ts'],
          globalSetup: ['test/setup/wrangler.ts'],
          setupFiles: ['test/setup/wrangler-log.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
