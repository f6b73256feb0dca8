import { describe, expect, it } from 'vitest';
import { sameZoneRules } from './same-zone-rules';

const NOW = Date.UTC(2026, 11, 2, 5, 32) / 1000;

describe('sameZoneRules', () => {
  it('takes texts that differ only in names or in how a rule is written as the same zone', () => {
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', '<+01>-1<+02>,M3.5.0,M10.5.0/3', NOW)).toBe(true);
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'MEZ-1:00MESZ-2,M3.5.0/2:00,M10.5.0/03', NOW)).toBe(true);
    expect(sameZoneRules('UTC0', 'GMT+0', NOW)).toBe(true);
  });

  it('tells zones apart by their offset or by when it changes', () => {
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'CET-1', NOW)).toBe(false);
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'EET-2EEST,M3.5.0/3,M10.5.0/4', NOW)).toBe(false);
    // The same offsets, the end of DST an hour apart.
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'CET-1CEST,M3.5.0,M10.5.0/4', NOW)).toBe(false);
    // The same offsets, the end of DST a week apart in October 2027.
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'CET-1CEST,M3.5.0,M10.4.0/3', NOW)).toBe(false);
    // The fourth Sunday of March is its last in 2027 and 2028: over the two years looked at, these agree.
    expect(sameZoneRules('CET-1CEST,M3.5.0,M10.5.0/3', 'CET-1CEST,M3.4.0,M10.5.0/3', NOW)).toBe(true);
    expect(sameZoneRules('UTC0', 'not a zone', NOW)).toBe(false);
  });
});
