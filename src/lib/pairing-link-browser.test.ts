import { describe, expect, it } from 'vitest';
import { isIosBrowserTab } from './pairing-link-browser';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const IPAD_AS_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
const ANDROID = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';

describe('isIosBrowserTab', () => {
  it.each([
    ['Safari on an iPhone', { userAgent: IPHONE_SAFARI, maxTouchPoints: 5 }, false, true],
    ['Safari on an iPad, which says it is a Mac', { userAgent: IPAD_AS_MAC, maxTouchPoints: 5 }, false, true],
    ['the app on an iPhone Home Screen (navigator.standalone)', { userAgent: IPHONE_SAFARI, maxTouchPoints: 5, standalone: true }, false, false],
    ['the app on an iPhone Home Screen (display-mode)', { userAgent: IPHONE_SAFARI, maxTouchPoints: 5 }, true, false],
    ['a real Mac', { userAgent: IPAD_AS_MAC, maxTouchPoints: 0 }, false, false],
    ['Chrome on Android', { userAgent: ANDROID, maxTouchPoints: 5 }, false, false],
  ])('%s', (_what, nav, standalone, expected) => {
    expect(isIosBrowserTab(nav, standalone)).toBe(expected);
  });
});
