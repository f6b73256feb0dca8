import { describe, expect, it } from 'vitest';
import { owntracksRadius, trackerId } from './owntracks-link';

describe('trackerId', () => {
  it.each([
    ['Ana’s phone', 'AP'],
    ['ana', 'AN'],
    ['Ben', 'BE'],
    ['Zoë 2', 'ZO'],
    ['📱', 'HE'],
    ['', 'HE'],
  ])('%j shows on the OwnTracks map as %s (two letters, as the configuration requires)', (name, tid) => {
    expect(trackerId(name)).toBe(tid);
  });
});

describe('owntracksRadius', () => {
  it('brings the Geofence radius within 150 to 200 whole metres', () => {
    expect([owntracksRadius(10), owntracksRadius(0.18), owntracksRadius(0.1804), owntracksRadius(0.05)]).toEqual([200, 180, 180, 150]);
  });
});
