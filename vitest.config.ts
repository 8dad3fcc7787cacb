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
