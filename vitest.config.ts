import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The test machine is shared by several developers' suites at once (load 15 on 2 cores): CLI runs are slow there.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
