/**
 * The web app manifest's `screenshots`, in one place: scripts/screenshots.ts takes each picture at this viewport
 * and pixel ratio, and vite.config.ts writes the manifest entry from the same numbers, so `sizes` always says what the
 * PNG is.
 */
export const PWA_SCREENSHOTS = [
  {
    file: 'narrow.png',
    formFactor: 'narrow',
    viewport: { width: 390, height: 844 },
    scale: 1.5,
    label: 'A thermostat on a phone: temperature, what it holds and why, boost, away and target',
  },
  {
    file: 'wide.png',
    formFactor: 'wide',
    viewport: { width: 1280, height: 800 },
    scale: 1,
    label: 'A thermostat on a desktop: its reading beside the weekly schedule and the geofence',
  },
] as const;

/** The PNG's size in pixels: the viewport times the pixel ratio, "585x1266". */
export const screenshotSizes = (shot: (typeof PWA_SCREENSHOTS)[number]): string =>
  `${Math.round(shot.viewport.width * shot.scale)}x${Math.round(shot.viewport.height * shot.scale)}`;

/** The manifest's `screenshots` entries (files under public/screenshots/). */
export const manifestScreenshots = () =>
  PWA_SCREENSHOTS.map((shot) => ({
    src: `screenshots/${shot.file}`,
    sizes: screenshotSizes(shot),
    type: 'image/png',
    form_factor: shot.formFactor,
    label: shot.label,
  }));
