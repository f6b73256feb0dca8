/**
 * Takes a `#pair=` fragment out of the address bar and returns it as it was; the pairing dialog parses it. The
 * session history entry is rewritten first, before anything is parsed or shown, so Back, bookmarks and a reload never
 * see the key. The browser's own history (the list of visited pages) may have recorded the link already when it was
 * opened: nothing a page does can take it out of there, which is why the dialog says so and offers scanning and
 * pasting inside the app.
 */
export function takePairingFragment(loc: Location = location, hist: History = history): string | null {
  const hash = loc.hash;
  if (!/^#.*pair=/.test(hash)) return null;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return hash;
}
