/**
 * Takes a `#pair=` fragment out of the address bar and returns it as it was; the pairing dialog parses it. The
 * session history entry is rewritten first, so Back, bookmarks and a reload never see the key. The browser's own
 * history (the list of visited pages) may have recorded the link already when it was opened: nothing a page does can
 * take it out of there, which is why the dialog says so and offers scanning and pasting inside the app.
 */
function takeFromAddressBar(loc: Location, hist: History): string | null {
  const hash = loc.hash;
  if (!/^#.*pair=/.test(hash)) return null;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return hash;
}

/**
 * Taken as this module loads, which is before the app's own first line runs (main.tsx imports the app, which imports
 * this): nothing of the app sees the address with the key in it.
 */
let takenAtLoad: string | null = typeof location === 'undefined' ? null : takeFromAddressBar(location, history);

export function takePairingFragment(loc: Location = location, hist: History = history): string | null {
  if (takenAtLoad !== null) {
    const taken = takenAtLoad;
    takenAtLoad = null;
    return taken;
  }
  return takeFromAddressBar(loc, hist);
}
