/**
 * Takes a `#pair=` fragment out of the address bar (so the key is not left in history or bookmarks) and
 * returns it as it was; the pairing dialog parses it.
 */
export function takePairingFragment(loc: Location = location, hist: History = history): string | null {
  const hash = loc.hash;
  if (!/^#.*pair=/.test(hash)) return null;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return hash;
}
