import { useEffect, useState } from 'react';

/**
 * Whether the element given to the returned ref has come within `margin` pixels of the viewport (once true, true from
 * then on). Work that only a person looking at a part of the page needs (a chart, dates in this browser's words) waits
 * for this, so that a phone does not do it at start for cards far below its first screen. True from the first render
 * where the browser cannot tell (no IntersectionObserver).
 */
export function useNearViewport(margin = 400): [near: boolean, ref: (element: Element | null) => void] {
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  const [element, setElement] = useState<Element | null>(null);
  useEffect(() => {
    if (near || element === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        setNear(true);
      },
      { rootMargin: `${margin}px 0px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, margin, near]);
  return [near, setElement];
}
