import { afterEach, describe, expect, it, vi } from 'vitest';
import { takePairingFragment } from './pairing-fragment';

const CODE = 'Q6iTIJWV4zn_64zH2sbXMa.heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

afterEach(() => history.replaceState(null, '', '/'));

describe('takePairingFragment', () => {
  it('takes the key out of the session history entry and keeps the page, its query and its state', () => {
    history.replaceState({ kept: 1 }, '', `/app/?x=1#pair=${CODE}&name=Hall`);
    expect(takePairingFragment()).toBe(`#pair=${CODE}&name=Hall`);
    expect(location.href).not.toContain('pair=');
    expect(location.href).not.toContain(CODE);
    expect(`${location.pathname}${location.search}${location.hash}`).toBe('/app/?x=1');
    expect(history.state).toEqual({ kept: 1 });
  });

  it('leaves other fragments alone', () => {
    history.replaceState(null, '', '/#setup');
    expect(takePairingFragment()).toBeNull();
    expect(location.hash).toBe('#setup');
  });
});

describe('a page opened from a pairing link', () => {
  it('loses the key from its address as soon as the module loads, and hands it over once', async () => {
    history.replaceState(null, '', `/#pair=${CODE}`);
    vi.resetModules();
    const { takePairingFragment: takeFresh } = await import('./pairing-fragment');
    // Nothing was called yet: loading was enough.
    expect(location.href).not.toContain(CODE);
    expect(takeFresh()).toBe(`#pair=${CODE}`);
    expect(takeFresh()).toBeNull();
  });
});
