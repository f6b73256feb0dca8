import { lazy, Suspense, useId, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { cutMemberName, MAX_MEMBER_NAME_LENGTH, SETTING_RANGES, settingValue, type ClientId, type Settings, type StateMessage, type TemperatureSetting } from '@protocol';
import { Dialog } from '@/components/dialog';
import { useCommands } from '@/lib/link/commands-context';
import { useCurrentPosition } from '@/features/geofence/current-position';
import { useAppStore } from '@/stores/app-store';
import { isLatitude, isLongitude } from '@/stores/persistence';
import { defaultBrokerUrl, validateBrokerUrl } from '@/lib/broker-url';
import { ambiguousDecimalProblem, MAX_DECIMAL_INPUT_LENGTH, parseDecimalInput } from '@/lib/decimal-input';

const PairingsTransferDialog = lazy(() =>
  import('@/features/pairings-transfer/pairings-transfer-dialog').then((m) => ({ default: m.PairingsTransferDialog })),
);

/** The form's fields in the order they appear: the first with a problem takes the focus on Save. */
const FIELDS = ['target', 'awayTarget', 'margin', 'memberName', 'brokerUrl', 'latitude', 'longitude', 'radius'] as const;
type Field = (typeof FIELDS)[number];
type Problems = Partial<Record<Field, string>>;

const MAX_RADIUS_KM = 1000;
const MIN_RADIUS_KM = 0.1;

const toText = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** The tenth of a degree typed for a thermostat setting, or null when it is not one in that setting's range and step. */
function settingOf(setting: TemperatureSetting, text: string): number | null {
  const value = parseDecimalInput(text);
  return value === null ? null : settingValue(setting, value);
}

/** The thermostat's settings as text in its fields, as its last STATE has them. */
interface ThermostatTexts {
  target: string;
  awayTarget: string;
  margin: string;
}

const textsOf = (state: StateMessage): ThermostatTexts => ({
  target: toText(state.target),
  awayTarget: toText(state.away_target),
  margin: toText(state.hysteresis),
});

const rangeProblem = (setting: TemperatureSetting) =>
  `Type a temperature from ${SETTING_RANGES[setting].min} to ${SETTING_RANGES[setting].max} °C, in steps of 0.1, such as ${setting === 'hysteresis' ? '0.5' : '15.5'}.`;

interface FieldProps {
  label: string;
  hint?: ReactNode;
  problem: string | undefined;
  children: (aria: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }) => ReactNode;
}

/** A label, its input, a hint, and the input's problem right below it (named as its description, marked invalid). */
function FormField({ label, hint, problem, children }: FieldProps) {
  const ids = useId();
  const describedBy = [problem === undefined ? null : `${ids}-problem`, hint === undefined ? null : `${ids}-hint`].filter((id) => id !== null).join(' ');
  return (
    <div className={problem === undefined ? 'field' : 'field field-invalid'}>
      <label htmlFor={`${ids}-input`}>{label}</label>
      {children({ id: `${ids}-input`, 'aria-invalid': problem === undefined ? undefined : true, 'aria-describedby': describedBy === '' ? undefined : describedBy })}
      {problem === undefined ? null : (
        <p id={`${ids}-problem`} className="field-error">
          {problem}
        </p>
      )}
      {hint === undefined ? null : (
        <small id={`${ids}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A decimal field's problem: why an ambiguous number was refused, else what it takes. */
const decimalProblem = (text: string, takes: string) => ambiguousDecimalProblem(text) ?? takes;

/**
 * "This app" (what this device is to the household, and where it finds the broker and home) and, when a thermostat is
 * on screen, that thermostat's own settings under its name: what it keeps for everyone in the household. The
 * thermostat is the one on screen when the dialog opened, for as long as it is open: its fields are sent to it alone,
 * whatever is shown by then. Only fields whose text the person changed are checked and sent.
 */
export function SettingsDialog({ thermostatId: openedFor = null, onClose }: { thermostatId?: ClientId | null; onClose: () => void }) {
  const [thermostatId] = useState(openedFor);
  const preferences = useAppStore((s) => s.preferences);
  const thermostat = useAppStore((s) => s.thermostats.find((t) => t.id === thermostatId) ?? null);
  const current = useAppStore((s) => (thermostatId === null ? null : (s.lastStates[thermostatId] ?? null)));
  const thermostats = useAppStore((s) => s.thermostats);
  const updatePreferences = useAppStore((s) => s.updatePreferences);
  const updateGeofence = useAppStore((s) => s.updateGeofence);
  const removeThermostat = useAppStore((s) => s.removeThermostat);
  const { sendSettingsTo } = useCommands();
  const headingId = useId();
  const [transferOpen, setTransferOpen] = useState(false);
  // Named as it was when the dialog opened, to say so if it is removed while the dialog is open.
  const [openedName] = useState(thermostat?.name ?? null);

  // The thermostat fields' text as first filled: from the STATE there was at opening, or from the first one to come.
  const [startedTexts, setStartedTexts] = useState<ThermostatTexts | null>(current === null ? null : textsOf(current.state));
  const [target, setTarget] = useState(startedTexts?.target ?? '');
  const [awayTarget, setAwayTarget] = useState(startedTexts?.awayTarget ?? '');
  const [margin, setMargin] = useState(startedTexts?.margin ?? '');
  if (startedTexts === null && current !== null && thermostat !== null) {
    // Opened before the thermostat's first STATE: its fields fill when it comes (they were not shown, so none was touched).
    const texts = textsOf(current.state);
    setStartedTexts(texts);
    setTarget((text) => (text === '' ? texts.target : text));
    setAwayTarget((text) => (text === '' ? texts.awayTarget : text));
    setMargin((text) => (text === '' ? texts.margin : text));
  }
  const [startedPreferences] = useState(() => ({
    latitude: toText(preferences.geofence.home?.latitude),
    longitude: toText(preferences.geofence.home?.longitude),
    radius: toText(preferences.geofence.radiusKm),
    memberName: preferences.memberName,
    brokerUrl: preferences.brokerUrl ?? '',
  }));
  const [latitude, setLatitude] = useState(startedPreferences.latitude);
  const [longitude, setLongitude] = useState(startedPreferences.longitude);
  const [radius, setRadius] = useState(startedPreferences.radius);
  const [memberName, setMemberName] = useState(startedPreferences.memberName);
  const [brokerUrl, setBrokerUrl] = useState(startedPreferences.brokerUrl);
  const [problems, setProblems] = useState<Problems>({});
  const refs = {
    target: useRef<HTMLInputElement>(null),
    awayTarget: useRef<HTMLInputElement>(null),
    margin: useRef<HTMLInputElement>(null),
    memberName: useRef<HTMLInputElement>(null),
    brokerUrl: useRef<HTMLInputElement>(null),
    latitude: useRef<HTMLInputElement>(null),
    longitude: useRef<HTMLInputElement>(null),
    radius: useRef<HTMLInputElement>(null),
  } satisfies Record<Field, RefObject<HTMLInputElement | null>>;
  const position = useCurrentPosition();
  const [positionFound, setPositionFound] = useState<string | null>(null);
  const positionNote = position.problem ?? positionFound;
  const editsThermostat = thermostat !== null && startedTexts !== null;

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
    const found: Problems = {};
    const changes: Partial<Settings> = {};
    if (editsThermostat) {
      const fields = [
        ['target', 'target', target, startedTexts.target],
        ['awayTarget', 'away_target', awayTarget, startedTexts.awayTarget],
        ['margin', 'hysteresis', margin, startedTexts.margin],
      ] as const;
      for (const [field, setting, text, startedText] of fields) {
        // Untouched, a field says what the thermostat had: nothing to send, and nothing of the person's to refuse.
        if (text === startedText) continue;
        const value = settingOf(setting, text);
        if (value === null) found[field] = decimalProblem(text, rangeProblem(setting));
        else changes[setting] = value;
      }
    }
    const homeChanged = latitude !== startedPreferences.latitude || longitude !== startedPreferences.longitude;
    const bothEmpty = latitude.trim() === '' && longitude.trim() === '';
    const lat = parseDecimalInput(latitude);
    const lon = parseDecimalInput(longitude);
    if (homeChanged && !bothEmpty && !isLatitude(lat)) {
      found.latitude = decimalProblem(latitude, 'Type a latitude from -90 to 90, in decimal degrees, such as 48.8584.');
    }
    if (homeChanged && !bothEmpty && !isLongitude(lon)) {
      found.longitude = decimalProblem(longitude, 'Type a longitude from -180 to 180, in decimal degrees, such as 2.2945.');
    }
    const radiusChanged = radius !== startedPreferences.radius;
    const radiusKm = parseDecimalInput(radius);
    if (radiusChanged && (radiusKm === null || radiusKm < MIN_RADIUS_KM || radiusKm > MAX_RADIUS_KM)) {
      found.radius = decimalProblem(radius, `Type a distance from ${MIN_RADIUS_KM} to ${MAX_RADIUS_KM} km, such as 2.5.`);
    }
    const brokerChanged = brokerUrl !== startedPreferences.brokerUrl;
    if (brokerChanged && validateBrokerUrl(brokerUrl) !== null) found.brokerUrl = 'Type an address that starts with wss:// or ws://, such as wss://example.org/ws.';

    const first = FIELDS.find((field) => found[field] !== undefined);
    if (first !== undefined) {
      // Rendered first, so the field is marked and its problem is there to be read when the focus lands on it.
      flushSync(() => setProblems(found));
      refs[first].current?.focus();
      return;
    }
    if (thermostatId !== null && Object.keys(changes).length > 0) sendSettingsTo(thermostatId, changes);
    if (homeChanged) {
      const home = bothEmpty || lat === null || lon === null ? null : { latitude: lat, longitude: lon };
      updateGeofence({ home, ...(home === null ? { enabled: false } : {}) });
    }
    if (radiusChanged && radiusKm !== null) updateGeofence({ radiusKm });
    if (memberName !== startedPreferences.memberName && memberName.trim() !== '') updatePreferences({ memberName: cutMemberName(memberName.trim()) });
    if (brokerChanged) updatePreferences({ brokerUrl: brokerUrl.trim() === '' ? null : brokerUrl.trim() });
    onClose();
  };

  const decimalInput = (field: 'target' | 'awayTarget' | 'margin' | 'latitude' | 'longitude' | 'radius', value: string, set: (text: string) => void) =>
    function DecimalInput(aria: Parameters<FieldProps['children']>[0]) {
      return (
        <input
          ref={refs[field]}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_DECIMAL_INPUT_LENGTH}
          value={value}
          onChange={(e) => set(e.target.value)}
          {...aria}
        />
      );
    };

  return (
    <Dialog title="Settings" onClose={onClose}>
      <form className="form settings-form" onSubmit={save} noValidate>
        {thermostat === null ? (
          openedName === null ? null : (
            <section className="fieldset settings-section" aria-labelledby={headingId}>
              <h3 id={headingId}>{openedName}</h3>
              <p role="status">{openedName} was removed from this app: there is nothing of it left to change here.</p>
            </section>
          )
        ) : (
          <section className="fieldset settings-section" aria-labelledby={headingId}>
            <h3 id={headingId}>{thermostat.name}</h3>
            {startedTexts === null ? (
              <p className="muted">{thermostat.name} has not sent its settings yet. They can be changed here once it answers.</p>
            ) : (
              <>
                <p className="muted small">Kept by the thermostat, for everyone in the household.</p>
                <FormField label="Home temperature" problem={problems.target} hint={`°C at home when no schedule or hold says otherwise (${SETTING_RANGES.target.min}–${SETTING_RANGES.target.max})`}>
                  {decimalInput('target', target, setTarget)}
                </FormField>
                <FormField label="Away temperature" problem={problems.awayTarget} hint={`°C while everyone is away (${SETTING_RANGES.away_target.min}–${SETTING_RANGES.away_target.max})`}>
                  {decimalInput('awayTarget', awayTarget, setAwayTarget)}
                </FormField>
                <FormField
                  label="Switching margin"
                  problem={problems.margin}
                 
                  hint={`°C below the set temperature before the heater goes on, and above it before it goes off (${SETTING_RANGES.hysteresis.min}–${SETTING_RANGES.hysteresis.max})`}
                >
                  {decimalInput('margin', margin, setMargin)}
                </FormField>
              </>
            )}
          </section>
        )}
        <section className="fieldset settings-section" aria-labelledby={`${headingId}-app`}>
          <h3 id={`${headingId}-app`}>This app</h3>
          <FormField label="Your name" problem={problems.memberName} hint="What everyone in the household sees in the member list.">
            {(aria) => (
              <input ref={refs.memberName} type="text" maxLength={MAX_MEMBER_NAME_LENGTH} value={memberName} onChange={(e) => setMemberName(e.target.value)} {...aria} />
            )}
          </FormField>
          <FormField label="Broker address" problem={problems.brokerUrl} hint="Leave empty to use the server this app came from.">
            {(aria) => (
              <input
                ref={refs.brokerUrl}
                type="url"
                spellCheck={false}
                autoComplete="off"
                maxLength={2048}
                placeholder={defaultBrokerUrl()}
                value={brokerUrl}
                onChange={(e) => setBrokerUrl(e.target.value)}
                {...aria}
              />
            )}
          </FormField>
          <h4>Home, for the geofence</h4>
          <div className="field-pair">
            <FormField label="Home latitude" problem={problems.latitude}>
              {decimalInput('latitude', latitude, setLatitude)}
            </FormField>
            <FormField label="Home longitude" problem={problems.longitude}>
              {decimalInput('longitude', longitude, setLongitude)}
            </FormField>
          </div>
          <button type="button" className="button" onClick={() => void takeCurrentPosition()} disabled={position.locating}>
            {position.locating ? 'Finding you…' : 'Use my current position'}
          </button>
          {positionNote === null ? null : (
            <p className="muted small" role="status">
              {positionNote}
            </p>
          )}
          <FormField label="Radius (km)" problem={problems.radius} hint="Home when you are within this distance.">
            {decimalInput('radius', radius, setRadius)}
          </FormField>
          <button type="button" className="button" onClick={() => setTransferOpen(true)}>
            Move to a new phone
          </button>
        </section>
        {thermostats.length === 0 ? null : (
          <section className="fieldset settings-section" aria-labelledby={`${headingId}-list`}>
            <h3 id={`${headingId}-list`}>Thermostats in this app</h3>
            <ul className="thermostat-list">
              {thermostats.map((t) => (
                <li key={t.id}>
                  <span>
                    {t.name} {t.id === thermostatId ? <span className="muted small">(shown)</span> : null}
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
          </section>
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
      {transferOpen ? (
        <Suspense fallback={null}>
          <PairingsTransferDialog onClose={() => setTransferOpen(false)} />
        </Suspense>
      ) : null}
    </Dialog>
  );
}
