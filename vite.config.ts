import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/** The contract lives beside src/, at the top of the repository; the build recognises its modules by their path. */
const protocolDir = fileURLToPath(new URL('./protocol/', import.meta.url)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const contractModule = new RegExp(`^${protocolDir}`);
const connectionChunk = new RegExp(
  `^${protocolDir}(envelope|packets|identity)\\.ts$|[\\\\/]@noble[\\\\/]|[\\\\/]src[\\\\/](lib[\\\\/]connection[\\\\/](connection-client|session-guard|backoff)|lib[\\\\/](identity|broker-url)|app[\\\\/]connection)\\.ts$`,
);

/**
 * The install page (firmware.html) is a second entry that shares no code with the app. What only it loads (ESP Web
 * Tools: half a megabyte) stays out of the service worker's precache: found from the bundle's import graph, as every
 * file the install page reaches that the app never does.
 */
function installPageFiles(): { plugin: Plugin; files: Set<string> } {
  const files = new Set<string>();
  const plugin: Plugin = {
    name: 'hearth:install-page-files',
    apply: 'build',
    generateBundle(_, bundle) {
      const reachable = (page: string): Set<string> => {
        const found = new Set<string>();
        const visit = (file: string) => {
          const output = bundle[file];
          if (found.has(file) || output === undefined) return;
          found.add(file);
          if (output.type !== 'chunk') return;
          [...output.imports, ...output.dynamicImports, ...(output.viteMetadata?.importedCss ?? []), ...(output.viteMetadata?.importedAssets ?? [])].forEach(visit);
        };
        for (const output of Object.values(bundle)) {
          if (output.type === 'chunk' && output.isEntry && output.facadeModuleId?.endsWith(`/${page}`)) visit(output.fileName);
        }
        return found;
      };
      const app = reachable('index.html');
      files.clear();
      for (const file of reachable('firmware.html')) if (!app.has(file)) files.add(file);
    },
  };
  return { plugin, files };
}

const installPage = installPageFiles();

export default defineConfig({
  resolve: {
    alias: {
      '@protocol': fileURLToPath(new URL('./protocol', import.meta.url)),
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  build: {
    // scripts/size.ts reads the manifest to tell the initial chunks from the lazy ones.
    manifest: true,
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        firmware: fileURLToPath(new URL('./firmware.html', import.meta.url)),
      },
      treeshake: {
        // The contract only declares things (envelope's module-level TextEncoder included). Without this, everything
        // the `@protocol` barrel re-exports would run, and so load, with the first paint: AES-GCM and the packets too.
        moduleSideEffects: [{ test: contractModule, sideEffects: false }],
      },
      output: {
        codeSplitting: {
          // Everything the entry imports statically goes in one chunk: shared modules would otherwise be split
          // into small common chunks, each compressed on its own, which costs the first load kilobytes.
          groups: [
            {
              // The connection stack, which main.tsx imports dynamically at start: one chunk, kept out of the entry's
              // group (priority) without its dependencies, which the first paint shares (react, the store, the
              // contract's parsers, which check IDs through the hash-free protocol/client-id.ts).
              name: 'connection',
              test: connectionChunk,
              priority: 1,
              includeDependenciesRecursively: false,
            },
            // Vite's own helpers, which the install page (firmware.html) needs too: kept out of the app's chunk, or that
            // page would load the whole app to preload its chunks.
            { name: 'vite-helpers', test: /vite[\\/](preload-helper|modulepreload-polyfill)/, priority: 2 },
            { name: 'app', test: /\/src\/main\.tsx$|rolldown[:/]runtime/, includeDependenciesRecursively: true },
          ],
        },
      },
    },
  },
  plugins: [
    react(),
    installPage.plugin,
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'Hearth Thermostat',
        short_name: 'Hearth',
        description: 'Control your Hearth thermostat: temperature, modes and geofence, privately and without a cloud.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#c2410c',
        background_color: '#fafaf9',
        categories: ['utilities', 'lifestyle'],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The install page and the firmware image beside it are fetched fresh, never kept for offline use.
        globIgnores: ['firmware.html', 'firmware/**'],
        manifestTransforms: [(entries) => ({ manifest: entries.filter((entry) => !installPage.files.has(entry.url)), warnings: [] })],
        navigateFallback: '/index.html',
        // The broker answers these itself; a cached app shell must never stand in for them (nor for the install page).
        navigateFallbackDenylist: [/^\/ws/, /^\/healthz/, /^\/firmware(\.html$|\/)/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
