/**
 * ESP Web Tools' browser build: self-contained (its own Lit and Material components, its flasher chunks loaded on
 * demand), the one its project serves to web pages. Imported for its side effect, defining <esp-web-install-button>.
 */
declare module 'esp-web-tools/dist/web/install-button.js';
