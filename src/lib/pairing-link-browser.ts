/**
 * This page is a browser tab on an iPhone or iPad, not the app added to the Home Screen. There a link always opens in
 * Safari, whose storage the installed app does not share: pairing here pairs the tab, not the app.
 */
export function isIosBrowserTab(
  nav: Pick<Navigator, 'userAgent' | 'maxTouchPoints'> & { standalone?: boolean } = navigator,
  displayStandalone: boolean = typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches,
): boolean {
  // iPadOS presents itself as a Mac; only its touch screen tells it apart.
  const ios = /iPhone|iPad|iPod/.test(nav.userAgent) || (/Macintosh/.test(nav.userAgent) && nav.maxTouchPoints > 1);
  return ios && nav.standalone !== true && !displayStandalone;
}
