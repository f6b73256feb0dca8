import { describe, expect, it } from 'vitest';
import { STORAGE_KEYS } from './storage';
import { defaultDeviceName, deviceTag, MAX_DEFAULT_NAME_BYTES } from './device-name';

const UA = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  samsungTablet: 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36',
  chromePhone: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
};

describe('defaultDeviceName', () => {
  it('names the browser, the platform and this install, so two Linux PCs with Chrome differ', () => {
    expect(defaultDeviceName(UA.chromeLinux, '3F2A', 0)).toBe('Chrome on Linux (3F2A)');
    expect(defaultDeviceName(UA.chromeLinux, 'B071', 0)).toBe('Chrome on Linux (B071)');
    expect(defaultDeviceName(UA.firefoxLinux, '3F2A', 0)).toBe('Firefox on Linux (3F2A)');
    expect(defaultDeviceName(UA.edgeWindows, '3F2A', 0)).toBe('Edge on Windows (3F2A)');
    expect(defaultDeviceName(UA.safariIphone, '3F2A', 5)).toBe('Safari on iPhone (3F2A)');
    expect(defaultDeviceName(UA.chromePhone, '3F2A', 5)).toBe('Chrome on Android phone (3F2A)');
    // An iPad asks for the desktop site; its touch screen gives it away.
    expect(defaultDeviceName(UA.safariMac, '3F2A', 5)).toBe('Safari on iPad (3F2A)');
    expect(defaultDeviceName(UA.safariMac, '3F2A', 0)).toBe('Safari on Mac (3F2A)');
    expect(defaultDeviceName('curl/8.0', '3F2A', 0)).toBe('Browser (3F2A)');
  });

  it('fits the 32 bytes the thermostat keeps of a name, dropping the browser rather than the tag', () => {
    expect(defaultDeviceName(UA.samsungTablet, '3F2A', 5)).toBe('Samsung on Android tablet (3F2A)');
    expect(defaultDeviceName(UA.samsungTablet.replace('SamsungBrowser/26.0 ', 'Chromium/122 '), '3F2A', 5)).toBe('Android tablet (3F2A)');
    for (const ua of Object.values(UA)) {
      expect(new TextEncoder().encode(defaultDeviceName(ua, 'FFFF', 5)).length).toBeLessThanOrEqual(MAX_DEFAULT_NAME_BYTES);
    }
  });
});

describe('deviceTag', () => {
  it('is made once and kept, so the default name is the same at the next start', () => {
    const first = deviceTag(localStorage);
    expect(first).toMatch(/^[0-9A-F]{4}$/);
    expect(localStorage.getItem(STORAGE_KEYS.deviceTag)).toBe(first);
    expect(deviceTag(localStorage)).toBe(first);
  });

  it('replaces a kept tag that is not four hex digits, and works without storage', () => {
    localStorage.setItem(STORAGE_KEYS.deviceTag, '<script>');
    expect(deviceTag(localStorage)).toMatch(/^[0-9A-F]{4}$/);
    expect(localStorage.getItem(STORAGE_KEYS.deviceTag)).toMatch(/^[0-9A-F]{4}$/);
    const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(deviceTag(refusing)).toMatch(/^[0-9A-F]{4}$/);
    expect(deviceTag(null)).toMatch(/^[0-9A-F]{4}$/);
  });
});
