import { useEffect, useId, useRef, useState } from 'react';
import { QrCode } from '@/components/qr-code';
import { expiryWords } from './members-words';

type Outcome = 'copied' | 'shared' | 'failed' | null;

/**
 * An invitation the thermostat made, as a link to pass on (docs/protocol.md "Keys and pairing"): as text, to copy
 * or share, and as a QR code for a phone beside this one.
 */
export function InvitationOffer({
  link,
  expiresAt,
  thermostatName,
  focusOnShow,
  onDone,
}: {
  link: string;
  expiresAt: number;
  thermostatName: string;
  /** The person just asked for it: the keyboard and the screen reader go to it (the button they pressed is gone). */
  focusOnShow: boolean;
  onDone: () => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // Only when it first shows: later renders leave the focus where the person put it.
  const [focusFirst] = useState(focusOnShow);
  useEffect(() => {
    if (focusFirst) heading.current?.focus();
  }, [focusFirst]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Scanning a code over the person's shoulder takes a second: like OwnTracks' link, it shows only when asked for.
  const [showCode, setShowCode] = useState(false);
  const canShare = typeof navigator.share === 'function';

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };

  const share = async () => {
    try {
      await navigator.share({ title: `Hearth: ${thermostatName}`, text: `An invitation to ${thermostatName}`, url: link });
      setOutcome('shared');
    } catch (error) {
      // The person closed the share sheet: nothing to say.
      if (error instanceof DOMException && error.name === 'AbortError') return;
      setOutcome('failed');
    }
  };

  return (
    <section className="invitation" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1} className="invitation-title">
        Invitation
      </h3>
      <p className="invitation-for">
        To join <strong>{thermostatName}</strong>
      </p>
      <p className="small">
        This link works <strong>once</strong>, for 24 hours (until {expiryWords(expiresAt)}), and not after {thermostatName}{' '}
        restarts. Whoever opens it joins the household and can control {thermostatName}: send it only to the person you mean, in a
        way you trust.
      </p>
      <p className="small invitation-link">
        <code className="breakable">{link}</code>
      </p>
      <div className="actions members-actions">
        <button type="button" className="button button-primary" onClick={() => void copy()}>
          Copy link
        </button>
        {canShare ? (
          <button type="button" className="button" onClick={() => void share()}>
            Share link
          </button>
        ) : null}
        <button type="button" className="button" aria-expanded={showCode} onClick={() => setShowCode((shown) => !shown)}>
          {showCode ? 'Hide QR code' : 'Show QR code'}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status" className="muted small">
        {outcome === 'copied' ? 'Link copied.' : outcome === 'shared' ? 'Link shared.' : outcome === 'failed' ? 'Could not pass the link on: copy it from above by hand.' : ''}
      </p>
      {showCode ? (
        <figure className="invitation-code">
          <QrCode text={link} label={`QR code of the invitation to ${thermostatName}`} />
          <figcaption className="muted small">
            Invitation to {thermostatName}. On the other phone, open Hearth, choose Add thermostat, then Scan a QR code. A
            camera app would open the link in the browser instead, which may keep it in its history.
          </figcaption>
        </figure>
      ) : null}
    </section>
  );
}
