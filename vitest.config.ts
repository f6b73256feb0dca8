import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['protocol/**/*.test.ts', 'broker/**/*.test.ts', 'firmware/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'app',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          // CSS stays unprocessed (empty) in tests, except a `?raw` import: theme-contrast.test.ts reads the colour tokens.
          css: { include: [/\.css\?raw$/] },
          setupFiles: ['./src/testing/setup.ts'],
          // Starts the real broker (broker/main.ts) once for the connection client's network test.
          globalSetup: ['./test/broker-global-setup.ts'],
        },
      },
    ],
  },
});
