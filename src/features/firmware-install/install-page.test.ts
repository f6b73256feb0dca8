import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lookUpFirmware, NO_IMAGE_YET, showFirmware, type FirmwareLookup } from './install-page';

const PAGE = 'https://hearth.example/firmware.html';
const MANIFEST = JSON.stringify({
  name: 'Hearth thermostat',
  version: '0.1.0',
  new_install_improv_wait_time: 0,
  builds: [{ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', offset: 0 }] }],
});

/** A site with these files (path to body); everything else is a 404, as the broker answers. */
function site(files: Record<string, string | number>) {
  const requests: string[] = [];
  const fetchFile = vi.fn(async (url: URL, init: RequestInit) => {
    requests.push(`${init.method ?? 'GET'} ${url.pathname}`);
    const file = files[url.pathname];
    if (file === undefined) return new Response('not found\n', { status: 404 });
    if (typeof file === 'number') return new Response('', { status: file });
    return new Response(init.method === 'HEAD' ? null : file, { status: 200, headers: { 'Content-Length': String(file.length) } });
  });
  return { fetchFile, requests };
}

describe('lookUpFirmware', () => {
  it('finds the manifest and checks, without downloading it, that the image it names is here', async () => {
    const { fetchFile, requests } = site({ '/firmware/manifest.json': MANIFEST, '/firmware/firmware.bin': '\u00e9\u0001' });
    const lookup = await lookUpFirmware(fetchFile, PAGE);
    expect(lookup.kind).toBe('ready');
    expect(requests).toEqual(['GET /firmware/manifest.json', 'HEAD /firmware/firmware.bin']);
  });

  it.each<[string, Record<string, string | number>, FirmwareLookup]>([
    ['no manifest', {}, { kind: 'none', problem: null }],
    [
      'a manifest that is not one',
      { '/firmware/manifest.json': '<!doctype html>' },
      { kind: 'none', problem: '/firmware/manifest.json cannot be used: It is not JSON.' },
    ],
    ['a manifest without its image', { '/firmware/manifest.json': MANIFEST }, { kind: 'image-missing', path: '/firmware/firmware.bin' }],
    [
      'a server error',
      { '/firmware/manifest.json': 500 },
      { kind: 'unreachable', problem: 'This site answered 500 for /firmware/manifest.json. Reload the page to try again.' },
    ],
    [
      'a manifest too large to be one',
      { '/firmware/manifest.json': ' '.repeat(16 * 1024 + 1) },
      { kind: 'none', problem: '/firmware/manifest.json is over 16 KB: not a manifest.' },
    ],
  ])('with %s, says so', async (_, files, expected) => {
    expect(await lookUpFirmware(site(files).fetchFile, PAGE)).toEqual(expected);
  });

  it('tells a site that does not answer apart from one without firmware', async () => {
    const offline = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    expect((await lookUpFirmware(offline, PAGE)).kind).toBe('unreachable');
  });
});

describe('showFirmware', () => {
  afterEach(() => document.body.replaceChildren());
  const root = () => document.body.appendChild(document.createElement('section'));

  it('says plainly that there is no image yet and how to put one there, and loads no installer', async () => {
    const load = vi.fn(() => Promise.resolve());
    const section = root();
    await showFirmware(section, { kind: 'none', problem: null }, load);
    expect(within(section).getByRole('alert')).toHaveTextContent(NO_IMAGE_YET);
    expect(NO_IMAGE_YET).toBe(
      'No firmware image on this site yet: build it with PlatformIO (firmware/README.md) and copy firmware.bin and manifest.json into public/firmware/.',
    );
    expect(load).not.toHaveBeenCalled();
    expect(section.querySelector('esp-web-install-button')).toBeNull();
  });

  it('adds why a manifest was refused', async () => {
    const section = root();
    await showFirmware(section, { kind: 'none', problem: '/firmware/manifest.json cannot be used: It is not JSON.' }, () => Promise.resolve());
    expect(within(section).getByRole('alert')).toHaveTextContent(NO_IMAGE_YET);
    expect(within(section).getByText('/firmware/manifest.json cannot be used: It is not JSON.')).toBeVisible();
  });

  it("loads ESP Web Tools for a usable image and offers its button for this site's manifest", async () => {
    const { fetchFile } = site({ '/firmware/manifest.json': MANIFEST, '/firmware/firmware.bin': 'x' });
    const lookup = await lookUpFirmware(fetchFile, PAGE);
    const load = vi.fn(() => Promise.resolve());
    const section = root();
    await showFirmware(section, lookup, load);
    expect(load).toHaveBeenCalledOnce();
    const button = section.querySelector('esp-web-install-button');
    expect(button?.getAttribute('manifest')).toBe('/firmware/manifest.json');
    expect(screen.getByRole('button', { name: 'Install Hearth thermostat 0.1.0' })).toHaveAttribute('slot', 'activate');
    expect(within(section).getByRole('status')).toHaveTextContent('Firmware on this site: Hearth thermostat 0.1.0.');
  });

  it('says when the installer itself did not load', async () => {
    const section = root();
    const { fetchFile } = site({ '/firmware/manifest.json': MANIFEST, '/firmware/firmware.bin': 'x' });
    await showFirmware(section, await lookUpFirmware(fetchFile, PAGE), () => Promise.reject(new Error('chunk failed')));
    expect(within(section).getByRole('alert')).toHaveTextContent('The installer did not load. Reload the page to try again.');
  });

  it('names the missing image', async () => {
    const section = root();
    await showFirmware(section, { kind: 'image-missing', path: '/firmware/firmware.bin' }, () => Promise.resolve());
    expect(within(section).getByRole('alert')).toHaveTextContent('The manifest names /firmware/firmware.bin, which is not on this site');
  });
});
