import { takePairingFragment } from './pairing-fragment';

/**
 * What the address's fragment asks the app to do: a `#pair=` link; the manifest's shortcuts `#add` and `#rooms`
 * (vite.config.ts); `#setup`, the install page's link for a thermostat it has just flashed.
 */
export type LaunchRequest = { kind: 'pair'; link: string } | { kind: 'add' } | { kind: 'setup' } | { kind: 'rooms' };

const NAMED = ['add', 'setup', 'rooms'] as const;

/**
 * The request in the address, taken out of the address bar (so Back, a bookmark or a reload never repeat it), or null.
 * main.tsx takes the one the app was opened with, once, before the first render, which must not touch the address: a
 * render may run again (a transition restarted by a store update) and would find the fragment gone. The app takes the
 * ones that arrive later (hashchange) itself.
 */
export function takeLaunchFragment(loc: Location = location, hist: History = history): LaunchRequest | null {
  const link = takePairingFragment(loc, hist);
  if (link !== null) return { kind: 'pair', link };
  const kind = NAMED.find((name) => loc.hash === `#${name}`);
  if (kind === undefined) return null;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return { kind };
}
