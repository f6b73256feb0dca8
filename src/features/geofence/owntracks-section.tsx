import { useEffect, useState } from 'react';
import { OWNTRACKS_RADIUS, parseOwntracksConfigLink, type ClientId } from '@protocol';
import { brokerIngressBase, brokerUrlOf, localOnlyHost } from '@/lib/broker-url';
import type { PairedThermostat } from '@/lib/thermostats';
import { useAppStore } from '@/stores/app-store';
import { makeOwntracksSecret, type OwntracksSetup } from '@/stores/owntracks-setup';
import { owntracksLinkFor, type OwntracksLink } from './owntracks-link';
import { QrCode } from '@/components/qr-code';

export const OWNTRACKS_SECTION_TITLE = 'Keep working when the app is closed';

function answerText(setup: OwntracksSetup, id: ClientId): string {
  const answer = setup.answers[id];
  if (setup.secret === null) return answer === 'forgot' ? 'has forgotten the secret' : 'being told to forget the secret…';
  if (answer === 'holds') return 'has the secret';
  if (answer === 'full') return 'refused it: it already keeps OwnTracks secrets for 8 members';
  if (answer === 'bad_message' || answer === 'out_of_range') {
    return `refused it (“${answer}”): it reads the message otherwise than this app writes it, so it is not sent again. Update the app and the thermostat’s firmware, then make a new secret.`;
  }
  return 'sending the secret… (it must be online)';
}

function ThermostatAnswers({ setup, thermostats }: { setup: OwntracksSetup; thermostats: PairedThermostat[] }) {
  return (
    <ul className="owntracks-answers" aria-label="OwnTracks secret on each thermostat">
      {thermostats.map((thermostat) => (
        <li key={thermostat.id}>
          {thermostat.name}: {answerText(setup, thermostat.id)}
        </li>
      ))}
    </ul>
  );
}

/** Why the link on offer is not the one last opened: the address (thermostats, broker), the secret, or the region (home). */
function changeSince(openedLink: string | null, current: OwntracksLink): string | null {
  if (openedLink === null || openedLink === current.link) return null;
  const opened = parseOwntracksConfigLink(openedLink);
  const now = parseOwntracksConfigLink(current.link);
  if (!opened.ok || !now.ok || opened.value.url !== now.value.url) {
    return 'The address changed since you last opened the link (a thermostat was paired or removed, or the broker moved): open the new link in OwnTracks again.';
  }
  if (opened.value.encryptionKey !== now.value.encryptionKey) {
    return 'You made a new secret: open the new link in OwnTracks again, since your thermostats refuse reports sealed with the old one.';
  }
  const [was] = opened.value.waypoints;
  const [is] = now.value.waypoints;
  if (was.lat !== is.lat || was.lon !== is.lon || was.rad !== is.rad || was.tst !== is.tst) {
    return 'Your home or its circle changed since you last opened the link: open the new link in OwnTracks again.';
  }
  return 'The configuration changed since you last opened the link: open the new link in OwnTracks again.';
}

function CopyLinkButton({ link, onCopied }: { link: string; onCopied: () => void }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setOutcome('copied');
      onCopied();
    } catch {
      setOutcome('failed');
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void copy()}>
        Copy link
      </button>
      <p role="status" className="muted small">
        {outcome === 'copied' ? 'Link copied.' : null}
        {outcome === 'failed' ? (
          <>
            Copy it by hand: <code className="breakable">{link}</code>
          </>
        ) : null}
      </p>
    </>
  );
}

function LinkOffer({ setup, offer }: { setup: OwntracksSetup; offer: OwntracksLink }) {
  const opened = useAppStore((s) => s.owntracksLinkOpened);
  const firstOffer = setup.openedLink === null;
  // The first link shown is the one the person sets OwnTracks up with (by link or by code); later changes are news.
  useEffect(() => {
    if (firstOffer) opened(offer.link);
  }, [firstOffer, opened, offer.link]);
  const changed = changeSince(setup.openedLink, offer);
  // The code holds the secret: it is shown only when asked for, not to whoever looks over the person's shoulder.
  const [showCode, setShowCode] = useState(false);
  return (
    <>
      {changed === null ? null : (
        <div role="status" className="banner banner-warn inline-prompt">
          <p>{changed}</p>
          <button type="button" className="button" onClick={() => opened(offer.link)}>
            Done: OwnTracks has the new link
          </button>
        </div>
      )}
      <ol className="steps" aria-label="Steps in OwnTracks">
        <li>Install OwnTracks and, in its settings, allow configuration by link (import); current versions have it off.</li>
        <li>Open the link below on this phone, or show its QR code and scan it with the phone you set up, and confirm the import.</li>
        <li>Allow OwnTracks to use your location “Always” (on Android: “Allow all the time”).</li>
      </ol>
      <div className="share">
        <a className="button button-primary" href={offer.link} onClick={() => opened(offer.link)}>
          Open in OwnTracks
        </a>
        <CopyLinkButton link={offer.link} onCopied={() => opened(offer.link)} />
        <button type="button" className="button" aria-expanded={showCode} onClick={() => setShowCode((shown) => !shown)}>
          {showCode ? 'Hide QR code' : 'Show QR code'}
        </button>
      </div>
      {showCode ? (
        <>
          <QrCode text={offer.link} label="QR code of the OwnTracks link" />
          <p className="muted small">
            The code and the link hold your secret: show them only to your own phones. <code className="breakable">{offer.link}</code>
          </p>
        </>
      ) : null}
      {offer.leftOut > 0 ? (
        <p className="muted small">
          One OwnTracks address reaches at most 8 thermostats: the last {offer.leftOut} paired will not hear it.
        </p>
      ) : null}
    </>
  );
}

/** Why no link is on offer while OwnTracks is on. */
function noLinkReason({ ownId, home, thermostats, brokerUrl }: { ownId: ClientId | null; home: unknown; thermostats: PairedThermostat[]; brokerUrl: string }): string {
  if (ownId === null) return 'Waiting for the connection…';
  if (home === null) return 'Your home was cleared: choose it again for a new OwnTracks link. Until then OwnTracks on your phone keeps watching the old home.';
  if (thermostats.length === 0) return 'Pair a thermostat first: the OwnTracks address names the thermostats that hear it, so there is no link without one.';
  if (brokerIngressBase(brokerUrl) === null) return `The broker address ${brokerUrl} is not a ws:// or wss:// address, so there is no address for OwnTracks: correct it in Settings.`;
  return 'No OwnTracks link can be made.';
}

/**
 * "Keep working when the app is closed": OwnTracks reports region crossings, sealed with a secret only the
 * household's thermostats hold (docs/protocol.md, "Presence from OwnTracks"). The card makes the secret; the
 * connection client takes it from the store to every paired thermostat.
 */
export function OwntracksSection() {
  const setup = useAppStore((s) => s.preferences.owntracks);
  const home = useAppStore((s) => s.preferences.geofence.home);
  const radiusKm = useAppStore((s) => s.preferences.geofence.radiusKm);
  const brokerUrl = useAppStore((s) => brokerUrlOf(s.preferences));
  const memberName = useAppStore((s) => s.preferences.memberName);
  const thermostats = useAppStore((s) => s.thermostats);
  const ownId = useAppStore((s) => s.ownId);
  const startOwntracks = useAppStore((s) => s.startOwntracks);
  const turnOff = useAppStore((s) => s.turnOffOwntracks);
  const keptBy = useAppStore((s) => s.owntracksKeptBy);

  const on = setup !== null && setup.secret !== null;
  const unreachableHost = localOnlyHost(brokerUrl);
  const offer =
    setup === null || setup.secret === null || ownId === null || home === null
      ? null
      : owntracksLinkFor({
          secret: setup.secret,
          wtst: setup.wtst,
          home: setup.home,
          radiusKm,
          member: ownId,
          thermostats: thermostats.map((t) => t.id),
          brokerUrl,
          memberName,
        });
  const makeSecret = () => startOwntracks(makeOwntracksSecret(), Date.now());
  const radius = offer?.radius ?? null;

  return (
    <section className="owntracks" aria-labelledby="owntracks-heading">
      <h3 id="owntracks-heading" className="owntracks-title">
        {OWNTRACKS_SECTION_TITLE}
      </h3>
      <p className="small">
        <a href="https://owntracks.org">OwnTracks</a> is a separate app, free and open source, for iPhone and Android. It
        tells your thermostats when you leave home and come back, even while Hearth is closed. It seals each report with a
        secret that only your thermostats hold: the broker passes it on unread, and nobody else can read it. What Hearth
        receives, and only at your thermostats: that you entered or left home, with where your phone was at that moment,
        and now and then your position as you move (OwnTracks itself may ask your phone’s maps service to name a place). Your thermostats use only whether you are home: everyone paired with them sees that, and when you last
        reported, but not where you are. As with this app, a thermostat counts a report for 12 hours. Whoever runs the broker
        cannot read the reports, but sees your phone’s IP address and when each report is sent.
      </p>
      {unreachableHost === null ? null : (
        <p role="note" aria-label="The phone cannot reach the broker" className="banner banner-warn">
          The broker’s address is {unreachableHost}, which means “this computer”: a phone cannot reach it there. Open
          Hearth at an address your phone can reach (this computer’s network address, or your server’s) before you set
          up OwnTracks.
        </p>
      )}
      {home === null ? (
        <p className="muted small">Choose your home first: turn on Geofence above, or enter it in Settings.</p>
      ) : null}
      {setup === null ? null : <ThermostatAnswers setup={setup} thermostats={thermostats} />}
      {keptBy.length === 0 ? null : (
        <p role="note" aria-label="Removed thermostats that keep the secret" className="banner banner-warn">
          {keptBy.join(', ')} {keptBy.length === 1 ? 'was' : 'were'} removed while out of reach and {keptBy.length === 1 ? 'keeps' : 'keep'} your
          OwnTracks secret until {keptBy.length === 1 ? 'it is' : 'they are'} factory reset. Make a new secret (and open the new link in
          OwnTracks) so that your reports cannot be opened there.
        </p>
      )}
      {radius === null ? null : (
        <p className="muted small">
          OwnTracks watches a circle of {radius} m around your home
          {radiusKm * 1000 === radius
            ? '.'
            : ` (your Geofence radius of ${radiusKm} km, brought within ${OWNTRACKS_RADIUS.min}–${OWNTRACKS_RADIUS.max} m for OwnTracks).`}
        </p>
      )}
      {on && offer === null ? <p className="muted small">{noLinkReason({ ownId, home, thermostats, brokerUrl })}</p> : null}
      {setup !== null && offer !== null ? <LinkOffer setup={setup} offer={offer} /> : null}
      {setup !== null && !on ? (
        <p className="muted small">Turned off. Remove Hearth’s configuration from OwnTracks too: its reports are refused now.</p>
      ) : null}
      <div className="actions owntracks-actions">
        {on ? (
          <>
            <button type="button" className="button" onClick={makeSecret}>
              Make a new secret
            </button>
            <button type="button" className="button" onClick={turnOff}>
              Turn off OwnTracks
            </button>
          </>
        ) : (
          <button type="button" className="button button-primary" disabled={home === null} onClick={makeSecret}>
            Set up OwnTracks
          </button>
        )}
      </div>
    </section>
  );
}
