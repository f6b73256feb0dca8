/** A browser whose position requests get `answer`: a fix, or a GeolocationPositionError code. */
export type PositionAnswer = { latitude: number; longitude: number; accuracy: number } | { code: 1 | 2 | 3 };

export function answerPosition(answer: PositionAnswer): void {
  const geolocation: Pick<Geolocation, 'getCurrentPosition'> = {
    getCurrentPosition(success, failure) {
      if ('code' in answer) failure?.({ code: answer.code, message: '' } as GeolocationPositionError);
      else success({ coords: answer, timestamp: Date.now() } as unknown as GeolocationPosition);
    },
  };
  Object.defineProperty(navigator, 'geolocation', { value: geolocation, configurable: true });
}

export function forgetGeolocation(): void {
  Object.defineProperty(navigator, 'geolocation', { value: undefined, configurable: true });
}
