import { useState } from 'react';
import { agoPhrase, formatDistance } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import { LOCATION_PROBLEM_TEXT, useCurrentPosition } from './current-position';
import { OwntracksSection } from './owntracks-section';

function LocationStatus() {
  const now = useNow();
  const enabled = useAppStore((s) => s.preferences.geofence.enabled);
  const permission = useAppStore((s) => s.locationPermission);
  const fix = useAppStore((s) => s.lastFix);
  const ignored = useAppStore((s) => s.ignoredFix);
  const distance = useAppStore((s) => s.distance);
  const decision = useAppStore((s) => s.decision);

  let text: string;
  if (!enabled) text = 'Off. Turn on to tell the thermostat whether you are home.';
  else if (permission === 'denied') text = LOCATION_PROBLEM_TEXT.denied;
  else if (permission === 'unavailable') text = LOCATION_PROBLEM_TEXT.unsupported;
  else if (fix === null) {
    text = ignored === null
      ? 'Waiting for a position…'
      : `Waiting for a better position (last one ${ignored.reason === 'stale' ? 'too old' : `±${formatDistance(ignored.accuracy)}`}).`;
  } else {
    const where = decision === null ? 'Not sure yet' : decision === 'home' ? 'Home' : 'Away';
    const away = distance === null ? '' : ` · ${formatDistance(distance)} from home`;
    text = `${where}${away} · fix ${agoPhrase(now - fix.timestamp)}, ±${formatDistance(fix.accuracy)}`;
  }
  return (
    <p className={permission === 'denied' && enabled ? 'location location-problem' : 'location'} aria-label="Location">
      {text}
    </p>
  );
}

export function GeofenceCard() {
  const config = useAppStore((s) => s.preferences.geofence);
  const updateGeofence = useAppStore((s) => s.updateGeofence);
  const [wantsOn, setWantsOn] = useState(false);
  const position = useCurrentPosition();
  const needsHome = wantsOn && config.home === null;

  const toggle = () => {
    position.clearProblem();
    if (config.enabled || wantsOn) {
      setWantsOn(false);
      updateGeofence({ enabled: false });
    } else if (config.home === null) setWantsOn(true);
    else updateGeofence({ enabled: true });
  };

  const takeCurrentPosition = async () => {
    const here = await position.locate();
    if (here === null) return;
    updateGeofence({ home: { latitude: here.latitude, longitude: here.longitude }, enabled: true });
    setWantsOn(false);
  };

  const on = config.enabled || wantsOn;
  return (
    <section className="card" aria-labelledby="geofence-heading">
      <div className="row-between">
        <h2 id="geofence-heading" className="card-title">
          Geofence
        </h2>
        <button type="button" role="switch" aria-checked={on} aria-labelledby="geofence-heading" className="switch" onClick={toggle}>
          <span className="switch-thumb" aria-hidden="true" />
        </button>
      </div>
      <p className="muted small">
        Home within {config.radiusKm} km of {config.home === null ? 'a place you choose' : 'your home location'}. Location is checked
        only while this app is open: browsers give a closed or background web app no location.
      </p>
      <p role="note" aria-label="Who sees what" className="muted small">
        Your position stays on this device. Your thermostats are told only whether you are home and how far from home you
        are, and everyone paired with a thermostat (its household) sees both, and when you last reported, in its Members
        card. The broker passes your reports on sealed: whoever runs it cannot read them, but sees when each report is
        sent, which can reveal your comings and goings.
      </p>
      <p role="note" aria-label="How long a report counts" className="muted small">
        A thermostat counts a report for 12 hours. On Auto it heats for home while any household member’s report from
        the last 12 hours says home, and for away when all of them say away; when no report is that recent, it keeps
        using the home or away temperature it used last until the next report. So open this app at least every 12 hours, or let OwnTracks report for you
        (below).
      </p>
      {needsHome ? (
        <div className="inline-prompt">
          <p>Where is home? Set it here if you are at home now, or enter it in Settings.</p>
          <button type="button" className="button" onClick={() => void takeCurrentPosition()} disabled={position.locating}>
            {position.locating ? 'Finding you…' : 'Use my current position'}
          </button>
        </div>
      ) : null}
      {position.problem === null ? null : (
        <p role="alert" className="banner banner-warn">
          {position.problem}
        </p>
      )}
      <LocationStatus />
      <OwntracksSection />
    </section>
  );
}
