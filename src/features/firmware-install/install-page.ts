/**
 * The install page (firmware.html): looks for the firmware image this site serves and, only when there is a
 * usable one, loads ESP Web Tools (large: its own chunks, never the app's) and offers its install button.
 */
import { MANIFEST_PATH, MAX_MANIFEST_BYTES, ManifestError, parseFirmwareManifest, type FirmwareManifest } from './firmware-manifest';

export type FirmwareLookup =
  | { kind: 'ready'; manifest: FirmwareManifest }
  /** No manifest on this site, or one this page cannot use (`problem` says why). */
  | { kind: 'none'; problem: string | null }
  /** The manifest names an image that is not here. */
  | { kind: 'image-missing'; path: string }
  /** The site did not answer as a file server does: worth trying again. */
  | { kind: 'unreachable'; problem: string };

export const NO_IMAGE_YET =
  'No firmware image on this site yet: build it with PlatformIO (firmware/README.md) and copy firmware.bin and manifest.json into public/firmware/.';

type Fetch = (input: URL, init: RequestInit) => Promise<Response>;

/** Fetches and checks the manifest, then asks whether each part it names is here (HEAD: the image itself stays put). */
export async function lookUpFirmware(fetchFile: Fetch, pageUrl: string): Promise<FirmwareLookup> {
  const manifestUrl = new URL(MANIFEST_PATH, pageUrl);
  let response: Response;
  try {
    response = await fetchFile(manifestUrl, { cache: 'no-cache' });
  } catch {
    return { kind: 'unreachable', problem: 'This site did not answer. Check the connection and reload the page.' };
  }
  if (response.status === 404) return { kind: 'none', problem: null };
  if (!response.ok) return { kind: 'unreachable', problem: `This site answered ${response.status} for ${MANIFEST_PATH}. Reload the page to try again.` };
  const length = Number(response.headers.get('Content-Length') ?? '0');
  if (length > MAX_MANIFEST_BYTES) return { kind: 'none', problem: `${MANIFEST_PATH} is over ${MAX_MANIFEST_BYTES / 1024} KB: not a manifest.` };
  let manifest: FirmwareManifest;
  try {
    manifest = parseFirmwareManifest(await response.text(), manifestUrl);
  } catch (error) {
    if (error instanceof ManifestError) return { kind: 'none', problem: `${MANIFEST_PATH} cannot be used: ${error.problem}` };
    return { kind: 'unreachable', problem: 'The manifest stopped arriving half-way. Reload the page to try again.' };
  }
  for (const part of manifest.builds.flatMap((build) => build.parts)) {
    let found: Response;
    try {
      found = await fetchFile(part.url, { method: 'HEAD', cache: 'no-cache' });
    } catch {
      return { kind: 'unreachable', problem: 'This site did not answer. Check the connection and reload the page.' };
    }
    if (found.status === 404) return { kind: 'image-missing', path: part.url.pathname };
    if (!found.ok) return { kind: 'unreachable', problem: `This site answered ${found.status} for ${part.url.pathname}. Reload the page to try again.` };
  }
  return { kind: 'ready', manifest };
}

function paragraph(text: string, attributes: Record<string, string> = {}): HTMLParagraphElement {
  const element = document.createElement('p');
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** The `<esp-web-install-button>` for this site's manifest, with the page's own button and messages in its slots. */
function installButton(manifest: FirmwareManifest): HTMLElement {
  const element = document.createElement('esp-web-install-button');
  element.setAttribute('manifest', MANIFEST_PATH);
  const activate = document.createElement('button');
  activate.type = 'button';
  activate.slot = 'activate';
  activate.className = 'button button-primary';
  activate.textContent = `Install ${manifest.name} ${manifest.version}`;
  const unsupported = paragraph('This browser cannot flash a thermostat: it has no Web Serial. Open this page in Chrome or Edge on a desktop or laptop computer.', {
    slot: 'unsupported',
    role: 'alert',
  });
  const notAllowed = paragraph('Flashing needs this page at its https:// address (or on localhost).', { slot: 'not-allowed', role: 'alert' });
  element.append(activate, unsupported, notAllowed);
  return element;
}

/** Shows what `lookup` found in `root`; loads ESP Web Tools (`loadInstallButton`) only for an image it can flash. */
export async function showFirmware(root: HTMLElement, lookup: FirmwareLookup, loadInstallButton: () => Promise<unknown>): Promise<void> {
  if (lookup.kind === 'ready') {
    try {
      await loadInstallButton();
    } catch {
      root.replaceChildren(paragraph('The installer did not load. Reload the page to try again.', { role: 'alert', class: 'banner banner-danger' }));
      return;
    }
    const { manifest } = lookup;
    root.replaceChildren(paragraph(`Firmware on this site: ${manifest.name} ${manifest.version}.`, { role: 'status' }), installButton(manifest));
    return;
  }
  if (lookup.kind === 'none') {
    root.replaceChildren(
      paragraph(NO_IMAGE_YET, { role: 'alert', class: 'banner banner-warn' }),
      ...(lookup.problem === null ? [] : [paragraph(lookup.problem, { class: 'muted small' })]),
    );
    return;
  }
  if (lookup.kind === 'image-missing') {
    root.replaceChildren(
      paragraph(`The manifest names ${lookup.path}, which is not on this site: copy firmware.bin and manifest.json of the same build into public/firmware/ together.`, {
        role: 'alert',
        class: 'banner banner-warn',
      }),
    );
    return;
  }
  root.replaceChildren(paragraph(lookup.problem, { role: 'alert', class: 'banner banner-danger' }));
}
