import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['protocol/**/*.test.ts', 'broker/**/*.test.ts', 'firmware/**/*.test.ts', 'scripts/**/*.test.ts', 'deploy/**/*.test.ts'],
          // One module graph per worker instead of one per file: these tests mock no module, fake no timer and set no
          // global (each starts its own brokers and thermostats), and importing the graph afresh for each of ~50 files
          // cost half of this project's time (protocol, broker and scripts on a quiet 2-core machine: 64 s isolated, 32-40 s not).
          isolate: false,
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'app',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['src/**/*.isolated.test.{ts,tsx}'],
          // CSS stays unprocessed (empty) in tests, except a `?raw` import: theme-contrast.test.ts reads the colour tokens.
          css: { include: [/\.css\?raw$/] },
          setupFiles: ['./src/testing/setup.ts'],
          // Starts the real broker (broker/main.ts) once for the connection client's network test.
          globalSetup: ['./test/broker-global-setup.ts'],
          // One jsdom and one module graph per worker instead of per file (the setup file gives every test a fresh DOM,
          // store and storage): 154 s -> 30 s for the ~80 files here. A file that mocks a module would see, or leave
          // behind, a module another file already loaded: those are *.isolated.test.tsx, in the project below (lint holds it).
          isolate: false,
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'app-isolated',
          environment: 'jsdom',
          include: ['src/**/*.isolated.test.{ts,tsx}'],
          css: { include: [/\.css\?raw$/] },
          setupFiles: ['./src/testing/setup.ts'],
        },
      },
    ],
  },
});
