import { useEffect, useState } from 'react';

/** The time, again every `everyMs`: for views whose words depend on age ("2 min ago", stale after 65 s). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
