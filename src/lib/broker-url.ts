/** The broker serves the app, so by default it is the same origin's /ws. */
export function defaultBrokerUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** The broker this app talks to, and so the one a thermostat it sets up is told to use: the person's choice or the default. */
export function brokerUrlOf(preferences: { brokerUrl: string | null }, loc?: Pick<Location, 'protocol' | 'host'>): string {
  return preferences.brokerUrl ?? defaultBrokerUrl(loc);
}

/** A broker URL the user typed: ws:// or wss:// only, else a message saying what to fix. */
export function validateBrokerUrl(text: string): string | null {
  if (text.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'The broker URL is not a valid address (for example wss://example.org/ws).';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'The broker URL must start with ws:// or wss://.';
  return null;
}
