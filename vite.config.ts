import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { ChunkingContext } from 'rolldown';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { lazyAesTablesPlugin } from './scripts/lazy-aes-tables.ts';
import { manifestScreenshots } from './scripts/pwa-screenshot-sizes.ts';

/** The contract lives beside src/, at the top of the repository; the build recognises its modules by their path. */
const protocolDir = fileURLToPath(new URL('./protocol/', import.meta.url)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const contractModule = new RegExp(`^${protocolDir}`);
/**
 * The connection stack, loaded after the first paint: the contract's crypto (envelopes, logon, member keys, and @noble
 * under them), the readers of every message but the STATE the first paint shows (message-readers.ts), the scanner that
 * checks a JSON text before it is parsed (json-reader.ts: the first paint reads only values already parsed), the broker link
 * and thermostat sessions (the whole of src/lib/link/, so files there may be added and renamed freely), the stored
 * identity, the broker address and the household wiring. The app's own modules among them that the first paint imports
 * too (the commands context, the link status names) stay out of it: see connectionChunkOf.
 */
const connectionChunk = new RegExp(
  `^${protocolDir}(envelope|packets|identity|logon|member-key|message-readers|json-reader)\\.ts$|[\\\\/]@noble[\\\\/]|[\\\\/]src[\\\\/](lib[\\\\/]link[\\\\/]|lib[\\\\/](identity|broker-url)\\.ts$|app[\\\\/]household-wiring\\.ts$)`,
);

const appModule = /[\\/]src[\\/]/;
const appEntry = fileURLToPath(new URL('./src/main.tsx', import.meta.url));

/**
 * The connection group's name for a module, or null to leave it where it would go. An app module that the entry imports
 * statically (directly or not) is needed by the first paint, and putting it in this chunk would load the whole chunk
 * with the first paint. The contract's modules are always in it: the entry reaches them all through the `@protocol`
 * barrel, though tree-shaking keeps only what the first paint uses (moduleSideEffects below).
 */
function connectionChunkOf(id: string, context: ChunkingContext): string | null {
  if (!connectionChunk.test(id)) return null;
  if (!appModule.test(id)) return 'connection';
  return firstPaintModules(context).has(id) ? null : 'connection';
}

/** The modules main.tsx imports statically, directly or not: found once per chunking pass. */
const firstPaintByPass = new WeakMap<ChunkingContext, Set<string>>();
function firstPaintModules(context: ChunkingContext): Set<string> {
  const known = firstPaintByPass.get(context);
  if (known !== undefined) return known;
  const reached = new Set<string>([appEntry]);
  const queue = [appEntry];
  for (let module = queue.pop(); module !== undefined; module = queue.pop()) {
    for (const imported of context.getModuleInfo(module)?.importedIds ?? []) {
      if (reached.has(imported)) continue;
      reached.add(imported);
      queue.push(imported);
    }
  }
  firstPaintByPass.set(context, reached);
  return reached;
}

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


/** Text formats; images and fonts are compressed already, and the firmware image is fetched by the install page as it is. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.wasm', '.txt', '.xml']);
/** A copy that saves less than this share of its file is not worth a second request path: the broker sends the file. */
const MIN_SAVING = 0.05;

/**
 * Writes a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside every compressible file of the build,
 * once the service worker is written too, for the broker to send by Accept-Encoding (broker/static.ts). Compressing
 * once here at the highest levels costs nothing per request, which compressing on the fly would.
 */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gzipped = promisify(gzip);
  let config: ResolvedConfig;
  const filesUnder = async (directory: string): Promise<string[]> => {
    const entries = await readdir(directory, { withFileTypes: true });
    const nested = await Promise.all(
      // Hidden folders (.vite/) are build records the broker never serves.
      entries.filter((entry) => !entry.name.startsWith('.')).map((entry) => {
        const path = join(directory, entry.name);
        return entry.isDirectory() ? filesUnder(path) : Promise.resolve(entry.isFile() ? [path] : []);
      }),
    );
    return nested.flat();
  };
  return {
    name: 'hearth:precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle: {
      // After vite-plugin-pwa's closeBundle, which writes sw.js and the workbox runtime.
      order: 'post',
      sequential: true,
      async handler(error) {
        if (error) return;
        const outDir = resolve(config.root, config.build.outDir);
        const files = (await filesUnder(outDir)).filter((file) => COMPRESSIBLE.has(extname(file).toLowerCase()));
        await Promise.all(
          files.map(async (file) => {
            const content = await readFile(file);
            const copies = await Promise.all([
              brotli(content, {
                params: {
                  [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
                  [zlibConstants.BROTLI_PARAM_MODE]: extname(file) === '.wasm' ? zlibConstants.BROTLI_MODE_GENERIC : zlibConstants.BROTLI_MODE_TEXT,
                  [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
                },
              }).then((data) => ({ suffix: '.br', data })),
              gzipped(content, { level: 9 }).then((data) => ({ suffix: '.gz', data })),
            ]);
            // Every copy is written or removed on each build, after its file: the broker sends only a copy newer than its file.
            await Promise.all(
              copies.map(({ suffix, data }) => (data.length <= content.length * (1 - MIN_SAVING) ? writeFile(file + suffix, data) : rm(file + suffix, { force: true }))),
            );
          }),
        );
      },
    },
  };
}

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
    // Every browser the app supports but Safari before 17 preloads modules itself; there, without the polyfill,
    // a lazy chunk's imports load when it runs instead of alongside it: slower, never wrong. Not worth a first-load byte.
    modulePreload: {
      polyfill: false,
      // Preloading a lazy chunk's imports alongside it saves a round trip, but costs the first load a list of their
      // hashed names (0.6 KB gzipped for all of them) and the first screen a <link> each. Kept for the connection stack,
      // which connects; the cards and dialogs, which load after the first paint or on demand (and from the service
      // worker's cache after the first visit), fetch their imports once they run. Their CSS is loaded with them still.
      resolveDependencies: (file, deps) => (/household-wiring/.test(file) ? deps : []),
    },
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        firmware: fileURLToPath(new URL('./firmware.html', import.meta.url)),
      },
      // Constants are copied where they are used: the first paint's message parsers then take the member limits
      // (protocol/member-key.ts) without importing the module, and with it the connection chunk, for four numbers.
      optimization: { inlineConst: { mode: 'all', pass: 1 } },
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
              name: connectionChunkOf,
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
    // The AES tables of @noble/ciphers are built on first use, not while the connection chunk loads.
    lazyAesTablesPlugin(),
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
        // A manifest has one splash colour for both themes (index.html's theme-color metas follow the theme once the page
        // runs). The dark theme's page colour: a dark splash before a light page is a mild change by day, a white one
        // before a dark page glares at night, when a thermostat app is opened most.
        background_color: '#0c0a09',
        categories: ['utilities', 'lifestyle'],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Fragments of the one page, which the app takes out of the address bar and acts on (src/app/app.tsx), at start
        // or in the window already open. No Home, Away or Boost here: a launcher tap would change the heating of
        // whichever thermostat was last on screen, unseen and unconfirmed.
        shortcuts: [
          { name: 'All rooms', short_name: 'Rooms', description: 'Every thermostat of the household at a glance', url: '/#rooms', icons: [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: 'Add thermostat', short_name: 'Add', description: 'Pair this device with a thermostat', url: '/#add', icons: [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: 'Set up a new thermostat', short_name: 'Set up', description: 'Connect a new thermostat by USB', url: '/#setup', icons: [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }] },
        ],
        // Pictures of the real app: npm run screenshots takes them at the sizes this gives (scripts/pwa-screenshot-sizes.ts).
        screenshots: manifestScreenshots(),
        // One window: a second would log the same identity on to the broker and each would replace the other's
        // connection. A link (a pairing link, a shortcut) opened while the app runs goes to the open window, which
        // is only focused, not reloaded; its fragment comes through launchQueue (src/features/pwa/launch-queue.ts),
        // which the app takes as a hashchange. A browser without launchQueue navigates the window: a hashchange too.
        launch_handler: { client_mode: ['focus-existing', 'auto'] },
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The install page and the firmware image beside it are fetched fresh, never kept for offline use; the manifest's
        // screenshots are for install prompts, never needed offline.
        globIgnores: ['firmware.html', 'firmware/**', 'screenshots/**'],
        manifestTransforms: [(entries) => ({ manifest: entries.filter((entry) => !installPage.files.has(entry.url)), warnings: [] })],
        navigateFallback: '/index.html',
        // The broker answers these itself; a cached app shell must never stand in for them (nor for the install page).
        navigateFallbackDenylist: [/^\/ws/, /^\/healthz/, /^\/firmware(\.html$|\/)/],
        cleanupOutdatedCaches: true,
      },
    }),
    precompress(),
  ],
});
