import { useState } from 'react';
import type { PairedThermostat } from '@/lib/thermostats';
import { appUrl, buildPairingLink } from '@/lib/pairing-link';

type Outcome = 'shared' | 'copied' | 'failed' | null;

export function ShareLinkButton({ thermostat }: { thermostat: PairedThermostat }) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const link = buildPairingLink(appUrl(), thermostat);

  const share = async () => {
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: `Hearth: ${thermostat.name}`, text: `Pairing link for ${thermostat.name}`, url: link });
        setOutcome('shared');
        return;
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(link);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };

  return (
    <div className="share">
      <button type="button" className="button" onClick={() => void share()}>
        Share pairing link
      </button>
      <p role="status" className="muted small">
        {outcome === 'copied' ? 'Link copied. ' : outcome === 'shared' ? 'Link shared. ' : ''}
        {outcome === 'failed' ? (
          <>
            Copy it by hand: <code className="breakable">{link}</code>
          </>
        ) : (
          'Anyone with the link can control this thermostat.'
        )}
      </p>
    </div>
  );
}
