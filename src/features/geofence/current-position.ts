import { useState } from 'react';
import { fail, ok, type Result } from '@protocol';
import type { HomeLocation } from '@/stores/settings-slice';

export type PositionError = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

/** GeolocationPositionError codes (the DOM constants are not there in every environment the code runs in). */
export const PERMISSION_DENIED = 1;
const TIMEOUT = 3;

const DENIED = "Location permission is denied. Allow location for this site in the browser's site settings (the icon left of the address), then try again";

/** The problem on its own, for the geofence status line, where entering a home by hand is no way out. */
export const LOCATION_PROBLEM_TEXT = {
  denied: `${DENIED}.`,
  unsupported: 'This browser cannot share your location.',
} as const;

/** The problem and the way forward, where a home is being chosen. */
export const POSITION_ERROR_TEXT: Record<PositionError, string> = {
  denied: `${DENIED} — or enter latitude and longitude by hand.`,
  unavailable: 'Your position is not available right now. Try again, or enter latitude and longitude by hand.',
  timeout: 'Finding your position took too long. Try again, or enter latitude and longitude by hand.',
  unsupported: `${LOCATION_PROBLEM_TEXT.unsupported} Enter latitude and longitude by hand.`,
};

/** One good fix, for "use my current position" as home. */
export function getCurrentPosition(
  geolocation: Geolocation | undefined,
): Promise<Result<HomeLocation & { accuracy: number }, PositionError>> {
  return new Promise((resolve) => {
    if (geolocation === undefined) {
      resolve(fail('unsupported', POSITION_ERROR_TEXT.unsupported));
      return;
    }
    geolocation.getCurrentPosition(
      (position) =>
        resolve(
          ok({ latitude: position.coords.latitude, longitude: position.coords.longitude, accuracy: position.coords.accuracy }),
        ),
      (error) => {
        const code: PositionError = error.code === PERMISSION_DENIED ? 'denied' : error.code === TIMEOUT ? 'timeout' : 'unavailable';
        resolve(fail(code, POSITION_ERROR_TEXT[code]));
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 },
    );
  });
}

/** "Use my current position" for any screen that offers it: whether a fix is being taken, and why the last one failed. */
export function useCurrentPosition() {
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const locate = async (): Promise<(HomeLocation & { accuracy: number }) | null> => {
    setLocating(true);
    setProblem(null);
    const here = await getCurrentPosition(navigator.geolocation);
    setLocating(false);
    if (here.ok) return here.value;
    setProblem(here.message);
    return null;
  };
  return { locating, problem, locate, clearProblem: () => setProblem(null) };
}
