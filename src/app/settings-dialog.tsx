import { useState, type FormEvent } from 'react';
import { cutMemberName, inRange, MAX_MEMBER_NAME_LENGTH, SETTING_RANGES, type Settings } from '@protocol';
import { Dialog } from '@/components/dialog';
import { useCommands } from '@/lib/link/commands-context';
import { useCurrentPosition } from '@/features/geofence/current-position';
import { useAppStore } from '@/stores/app-store';
import { isLatitude, isLongitude } from '@/stores/persistence';
import { selectCurrentState, selectSelectedThermostat } from '@/stores/selectors';
import { defaultBrokerUrl, validateBrokerUrl } from '@/lib/broker-url';

const { away_target: AWAY, hysteresis: BAND } = SETTING_RANGES;

const toText = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
const parseNumber = (text: string): number | null => {
  if (text.trim() === '') return null;
  const value = Number(text.trim().replace(',', '.'));
  return Number.isFinite(value) ? value : null;
};

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const preferences = useAppStore((s) => s.preferences);
  const current = useAppStore(selectCurrentState);
  const selected = useAppStore(selectSelectedThermostat);
  const thermostats = useAppStore((s) => s.thermostats);
  const updatePreferences = useAppStore((s) => s.updatePreferences);
  const updateGeofence = useAppStore((s) => s.updateGeofence);
  const removeThermostat = useAppStore((s) => s.removeThermostat);
  const { sendSettings } = useCommands();

  const [awayTarget, setAwayTarget] = useState(toText(current?.state.away_target));
  const [hysteresis, setHysteresis] = useState(toText(current?.state.hysteresis));
  const [latitude, setLatitude] = useState(toText(preferences.geofence.home?.latitude));
  const [longitude, setLongitude] = useState(toText(preferences.geofence.home?.longitude));
  const [radius, setRadius] = useState(toText(preferences.geofence.radiusKm));
  const [memberName, setMemberName] = useState(preferences.memberName);
  const [brokerUrl, setBrokerUrl] = useState(preferences.brokerUrl ?? '');
  const [errors, setErrors] = useState<string[]>([]);
  const position = useCurrentPosition();
  const [positionFound, setPositionFound] = useState<string | null>(null);
  const positionNote = position.problem ?? positionFound;

  const takeCurrentPosition = async () => {
    setPositionFound(null);
    const here = await position.locate();
    if (here === null) return;
    setLatitude(here.latitude.toFixed(6));
    setLongitude(here.longitude.toFixed(6));
    setPositionFound(`Position found (±${Math.round(here.accuracy)} m). Press Save to keep it as home.`);
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const problems: string[] = [];
    const changes: Partial<Settings> = {};
    if (current !== null) {
      const away = parseNumber(awayTarget);
      if (away === null || !inRange('away_target', away)) problems.push(`Away temperature must be between ${AWAY.min} and ${AWAY.max} °C, in steps of ${AWAY.step}.`);
      else if (away !== current.state.away_target) changes.away_target = away;
      const band = parseNumber(hysteresis);
      if (band === null || !inRange('hysteresis', band)) problems.push(`Hysteresis must be between ${BAND.min} and ${BAND.max} °C, in steps of ${BAND.step}.`);
      else if (band !== current.state.hysteresis) changes.hysteresis = band;
    }
    const lat = parseNumber(latitude);
    const lon = parseNumber(longitude);
    const bothEmpty = latitude.trim() === '' && longitude.trim() === '';
    if (!bothEmpty && (!isLatitude(lat) || !isLongitude(lon))) {
      problems.push('Home latitude must be between -90 and 90 and longitude between -180 and 180 (decimal degrees).');
    }
    const radiusKm = parseNumber(radius);
    if (radiusKm === null || radiusKm < 0.1 || radiusKm > 1000) problems.push('Radius must be between 0.1 and 1000 km.');
    const urlProblem = validateBrokerUrl(brokerUrl);
    if (urlProblem !== null) problems.push(urlProblem);
    if (problems.length > 0) {
      setErrors(problems);
      return;
    }
    if (Object.keys(changes).length > 0) sendSettings(changes);
    const home = bothEmpty || lat === null || lon === null ? null : { latitude: lat, longitude: lon };
    updateGeofence({
      home,
      radiusKm: radiusKm ?? preferences.geofence.radiusKm,
      ...(home === null ? { enabled: false } : {}),
    });
    updatePreferences({
      memberName: memberName.trim() === '' ? preferences.memberName : cutMemberName(memberName.trim()),
      brokerUrl: brokerUrl.trim() === '' ? null : brokerUrl.trim(),
    });
    onClose();
  };

  return (
    <Dialog title="Settings" onClose={onClose}>
      <form className="form" onSubmit={save} noValidate>
        {current === null ? null : (
          <fieldset className="fieldset">
            <legend>Heating</legend>
            <label className="field">
              <span>Away temperature</span>
              <input type="number" inputMode="decimal" min={AWAY.min} max={AWAY.max} step={0.5} value={awayTarget} onChange={(e) => setAwayTarget(e.target.value)} />
              <small className="muted">°C while everyone is away ({AWAY.min}–{AWAY.max})</small>
            </label>
            <label className="field">
              <span>Hysteresis</span>
              <input type="number" inputMode="decimal" min={BAND.min} max={BAND.max} step={0.1} value={hysteresis} onChange={(e) => setHysteresis(e.target.value)} />
              <small className="muted">°C either side of the target before the heater switches ({BAND.min}–{BAND.max})</small>
            </label>
          </fieldset>
        )}
        <fieldset className="fieldset">
          <legend>Home for the geofence</legend>
          <div className="field-pair">
            <label className="field">
              <span>Home latitude</span>
              <input type="number" inputMode="decimal" step="any" min={-90} max={90} value={latitude} onChange={(e) => setLatitude(e.target.value)} />
            </label>
            <label className="field">
              <span>Home longitude</span>
              <input type="number" inputMode="decimal" step="any" min={-180} max={180} value={longitude} onChange={(e) => setLongitude(e.target.value)} />
            </label>
          </div>
          <button type="button" className="button" onClick={() => void takeCurrentPosition()} disabled={position.locating}>
            {position.locating ? 'Finding you…' : 'Use my current position'}
          </button>
          {positionNote === null ? null : <p className="muted small" role="status">{positionNote}</p>}
          <label className="field">
            <span>Radius (km)</span>
            <input type="number" inputMode="decimal" step="any" min={0.1} max={1000} value={radius} onChange={(e) => setRadius(e.target.value)} />
            <small className="muted">Home when you are within this distance.</small>
          </label>
        </fieldset>
        <fieldset className="fieldset">
          <legend>This device</legend>
          <label className="field">
            <span>Your name</span>
            <input type="text" maxLength={MAX_MEMBER_NAME_LENGTH} value={memberName} onChange={(e) => setMemberName(e.target.value)} />
            <small className="muted">Shown to the household in the member list.</small>
          </label>
          <label className="field">
            <span>Broker URL</span>
            <input
              type="url"
              spellCheck={false}
              autoComplete="off"
              placeholder={defaultBrokerUrl()}
              value={brokerUrl}
              onChange={(e) => setBrokerUrl(e.target.value)}
            />
            <small className="muted">Leave empty to use the server this app came from.</small>
          </label>
        </fieldset>
        {thermostats.length === 0 ? null : (
          <fieldset className="fieldset">
            <legend>Thermostats</legend>
            <ul className="thermostat-list">
              {thermostats.map((t) => (
                <li key={t.id}>
                  <span>
                    {t.name} {t.id === selected?.id ? <span className="muted small">(shown)</span> : null}
                  </span>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      // Only a phone that joined is among the thermostat's members; one on the old shared key or an unused invitation is not.
                      const stays = t.joined ? ' This phone stays among its members until someone removes it in the Household card.' : '';
                      if (confirm(`Remove ${t.name} from this app? You need a new invitation to add it again.${stays}`)) removeThermostat(t.id);
                    }}
                  >
                    Remove<span className="visually-hidden"> {t.name}</span>
                  </button>
                </li>
              ))}
            </ul>
            <p className="muted small">To let someone else in, use “Invite someone” in the Household card: each phone gets a key of its own.</p>
          </fieldset>
        )}
        {errors.length === 0 ? null : (
          <div role="alert" className="banner banner-danger">
            {errors.map((problem) => (
              <p key={problem}>{problem}</p>
            ))}
          </div>
        )}
        <div className="actions sticky-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
