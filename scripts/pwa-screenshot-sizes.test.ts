import { describe, expect, it } from 'vitest';
import { manifestScreenshots } from './pwa-screenshot-sizes.ts';

describe('manifestScreenshots', () => {
  it('gives the manifest the size of each picture as taken: viewport times pixel ratio', () => {
    expect(manifestScreenshots().map(({ src, sizes, form_factor }) => ({ src, sizes, form_factor }))).toEqual([
      { src: 'screenshots/narrow.png', sizes: '585x1266', form_factor: 'narrow' },
      { src: 'screenshots/wide.png', sizes: '1280x800', form_factor: 'wide' },
    ]);
  });
});
