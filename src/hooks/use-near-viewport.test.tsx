import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useNearViewport } from './use-near-viewport';

/** IntersectionObserver as the page gets it, driven by the test: `report` says whether the observed element is near. */
class FakeObserver {
  static made: FakeObserver[] = [];
  observed: Element[] = [];
  disconnected = false;
  constructor(
    private readonly callback: (entries: { isIntersecting: boolean }[]) => void,
    readonly options: { rootMargin?: string },
  ) {
    FakeObserver.made.push(this);
  }
  observe(element: Element) {
    this.observed.push(element);
  }
  disconnect() {
    this.disconnected = true;
  }
  report(isIntersecting: boolean) {
    act(() => this.callback(this.observed.map(() => ({ isIntersecting }))));
  }
}

function Card() {
  const [near, ref] = useNearViewport(300);
  return <section ref={ref} aria-label="Card">{near ? 'drawn' : 'waiting'}</section>;
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeObserver.made = [];
});

describe('useNearViewport', () => {
  it('turns true when the element comes within the margin of the viewport, then stops watching', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    render(<Card />);
    expect(screen.getByRole('region')).toHaveTextContent('waiting');
    const [observer] = FakeObserver.made;
    expect(observer?.options.rootMargin).toBe('300px 0px');
    expect(observer?.observed).toEqual([screen.getByRole('region')]);

    observer?.report(false);
    expect(screen.getByRole('region')).toHaveTextContent('waiting');
    observer?.report(true);
    expect(screen.getByRole('region')).toHaveTextContent('drawn');
    expect(observer?.disconnected).toBe(true);
    expect(FakeObserver.made).toHaveLength(1);
  });

  it('is true from the first render where the browser has no IntersectionObserver', () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    render(<Card />);
    expect(screen.getByRole('region')).toHaveTextContent('drawn');
  });
});
