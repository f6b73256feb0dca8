import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { MAX_SWITCH_POINTS, SETTING_RANGES, type SetFields, type WeekSchedule } from '@protocol';
import { Dialog } from '@/components/dialog';
import { posixTimeZoneFor } from '@/lib/time-zone/posix-time-zone';
import { sameZoneRules } from '@/lib/time-zone/same-zone-rules';
import {
  addPoint,
  changePoint,
  copyMonday,
  DAY_NAMES,
  draftOf,
  readDraft,
  removePoint,
  sameSchedule,
  type DraftPoint,
  type DraftWeek,
  type FieldProblem,
  type PointField,
} from './schedule-draft';
import { isDeviceZone, zoneOffsetsText, type DeviceZone } from './schedule-words';

/** The select's value for "keep the zone the thermostat has", or, when it has none, "none picked yet". */
const KEEP_ZONE = '';
const PICK_ZONE_PROBLEM = 'Pick the time zone the thermostat is in: the switch points are read in its local time.';

function zoneChoices(device: DeviceZone | null): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set(all);
  if (device !== null) zones.add(device.name);
  zones.add('UTC');
  return [...zones].sort();
}

const fieldId = (base: string, key: number, field: PointField) => `${base}-${key}-${field}`;

function PointRow({
  base,
  day,
  index,
  point,
  problems,
  onChange,
  onRemove,
}: {
  base: string;
  day: number;
  index: number;
  point: DraftPoint;
  problems: FieldProblem[];
  onChange: (field: PointField, value: string) => void;
  onRemove: () => void;
}) {
  const name = `${DAY_NAMES[day]} switch point ${index + 1}`;
  const problemOf = (field: PointField) => problems.find((problem) => problem.key === point.key && problem.field === field) ?? null;
  const input = (field: PointField) => {
    const problem = problemOf(field);
    const id = fieldId(base, point.key, field);
    return {
      id,
      value: point[field],
      onChange: (event: { target: { value: string } }) => onChange(field, event.target.value),
      'data-point-key': point.key,
      'data-field': field,
      'aria-invalid': problem !== null,
      'aria-describedby': problem === null ? undefined : `${id}-problem`,
    };
  };
  const timeProblem = problemOf('time');
  const temperatureProblem = problemOf('temperature');
  return (
    <li className="schedule-point">
      <div className="schedule-point-fields">
        <label className="visually-hidden" htmlFor={fieldId(base, point.key, 'time')}>
          {name} time
        </label>
        <input type="time" step={60} required {...input('time')} />
        <label className="visually-hidden" htmlFor={fieldId(base, point.key, 'temperature')}>
          {name} temperature
        </label>
        <span className="schedule-temperature">
          <input type="text" inputMode="decimal" autoComplete="off" size={5} required {...input('temperature')} />
          <span aria-hidden="true"> °C</span>
        </span>
        <button type="button" className="button button-quiet" onClick={onRemove} aria-label={`Remove ${name}`}>
          Remove
        </button>
      </div>
      {timeProblem === null ? null : (
        <p id={`${fieldId(base, point.key, 'time')}-problem`} className="field-error">
          {timeProblem.message}
        </p>
      )}
      {temperatureProblem === null ? null : (
        <p id={`${fieldId(base, point.key, 'temperature')}-problem`} className="field-error">
          {temperatureProblem.message}
        </p>
      )}
    </li>
  );
}

export interface ScheduleEditorProps {
  schedule: WeekSchedule;
  /** The thermostat's POSIX TZ text, null when it has none. */
  timeZone: string | null;
  device: DeviceZone | null;
  onSave: (fields: SetFields) => void;
  onClose: () => void;
}

/**
 * The week's switch points as a form: each day a group of rows of a time and a temperature. Save sends one SET
 * with the schedule and, when it changes, the time zone ("Time zones": the thermostat's local time is what the
 * switch points are read in).
 */
export function ScheduleEditor({ schedule, timeZone, device, onSave, onClose }: ScheduleEditorProps) {
  const base = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<DraftWeek>(() => draftOf(schedule));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [zone, setZone] = useState<string>(() => (timeZone === null ? (device?.name ?? KEEP_ZONE) : KEEP_ZONE));
  const [zoneProblem, setZoneProblem] = useState<string | null>(null);
  const choices = useMemo(() => zoneChoices(device), [device]);
  const [openedAt] = useState(() => Math.floor(Date.now() / 1000));
  const { min, max } = SETTING_RANGES.target;

  /** `changed`: the field typed in, whose problem goes (Save finds it again if it is still there). */
  const edit = (next: DraftWeek, changed?: { key: number; field: PointField }) => {
    setDraft(next);
    setProblems((current) =>
      current.filter(
        (problem) =>
          next[problem.day]?.some((point) => point.key === problem.key) &&
          !(changed !== undefined && problem.key === changed.key && problem.field === changed.field),
      ),
    );
  };

  // Where focus goes once the edit that moved it has rendered: the new row, the day's Add button, the first problem.
  const focusAfterRender = useRef<string | null>(null);
  useEffect(() => {
    const selector = focusAfterRender.current;
    if (selector === null) return;
    focusAfterRender.current = null;
    formRef.current?.querySelector<HTMLElement>(selector)?.focus();
  });
  const focusLater = (selector: string) => {
    focusAfterRender.current = selector;
  };

  /** The POSIX text of the chosen zone, undefined to keep the thermostat's, or null when it cannot be said. */
  const chosenZoneText = (choice: string): string | null | undefined => {
    if (choice === KEEP_ZONE) return undefined;
    if (device !== null && choice === device.name) return device.text;
    return posixTimeZoneFor(choice, new Date());
  };

  const zoneProblemOf = (choice: string, text: string | null | undefined): string | null => {
    if (text === undefined) return timeZone === null ? PICK_ZONE_PROBLEM : null;
    return text === null ? `Hearth cannot give the thermostat the rules of ${choice}. Pick another zone with the same times.` : null;
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const read = readDraft(draft);
    const zoneText = chosenZoneText(zone);
    const zoneTrouble = zoneProblemOf(zone, zoneText);
    setZoneProblem(zoneTrouble);
    if ('problems' in read || zoneTrouble !== null) {
      setProblems('problems' in read ? read.problems : []);
      focusLater('[aria-invalid="true"]');
      return;
    }
    setProblems([]);
    const fields: SetFields = {};
    if (!sameSchedule(read.schedule, schedule)) fields.schedule = read.schedule;
    // A zone written otherwise but giving the same local time as the thermostat's changes nothing: not sent.
    if (zoneText !== undefined && zoneText !== null && (timeZone === null || !sameZoneRules(zoneText, timeZone, openedAt))) {
      fields.time_zone = zoneText;
    }
    if (Object.keys(fields).length > 0) {
      // The switch points are read in the zone: a new zone alone goes out with the schedule it changes the meaning of.
      onSave({ schedule: read.schedule, ...fields });
    }
    onClose();
  };

  const zoneId = `${base}-zone`;
  return (
    <Dialog title="Edit schedule" onClose={onClose}>
      <form ref={formRef} className="form schedule-editor" onSubmit={save} noValidate>
        <p className="muted small">
          Up to {MAX_SWITCH_POINTS} switch points a day. From each switch point the thermostat holds its temperature ({min.toFixed(1)} to{' '}
          {max.toFixed(1)} °C) until the next, which may be on a later day.
        </p>
        <div className="field">
          <label htmlFor={zoneId}>
            <span>Time zone</span>
          </label>
          <select
            id={zoneId}
            data-zone-select
            value={zone}
            aria-invalid={zoneProblem !== null}
            aria-describedby={zoneProblem === null ? undefined : `${zoneId}-problem`}
            onChange={(event) => {
              // Save derives the zone's rules (a costly read of Intl): arrowing through the list must not, at each step.
              setZone(event.target.value);
              setZoneProblem(event.target.value === KEEP_ZONE ? zoneProblemOf(KEEP_ZONE, undefined) : null);
            }}
          >
            <option value={KEEP_ZONE}>{timeZone === null ? 'Pick a zone' : `Keep the thermostat's (${zoneOffsetsText(timeZone)})`}</option>
            {choices.map((name) => (
              <option key={name} value={name}>
                {device !== null && name === device.name ? `${name} (this device's)` : name}
              </option>
            ))}
          </select>
          {zoneProblem === null ? null : (
            <p id={`${zoneId}-problem`} className="field-error">
              {zoneProblem}
            </p>
          )}
          {device === null || device.text === null || isDeviceZone(timeZone, device, openedAt) || zone === device.name ? null : (
            <button type="button" className="button" onClick={() => {
              setZone(device.name);
              setZoneProblem(null);
              // The button goes once pressed: focus stays on the choice it made.
              focusLater('[data-zone-select]');
            }}>
              Use this device's time zone
            </button>
          )}
        </div>
        {draft.map((points, day) => (
          <fieldset key={DAY_NAMES[day]} className="fieldset schedule-day">
            <legend>{DAY_NAMES[day]}</legend>
            {points.length === 0 ? <p className="muted small">No switch points: the day keeps the temperature of the one before it.</p> : null}
            <ol className="schedule-points">
              {points.map((point, index) => (
                <PointRow
                  key={point.key}
                  base={base}
                  day={day}
                  index={index}
                  point={point}
                  problems={problems}
                  onChange={(field, value) => edit(changePoint(draft, day, point.key, field, value), { key: point.key, field })}
                  onRemove={() => {
                    edit(removePoint(draft, day, point.key));
                    focusLater(`[data-add-day="${day}"]`);
                  }}
                />
              ))}
            </ol>
            <div className="actions schedule-day-actions">
              <button
                type="button"
                className="button"
                data-add-day={day}
                disabled={points.length >= MAX_SWITCH_POINTS}
                aria-describedby={points.length >= MAX_SWITCH_POINTS ? `${base}-full-${day}` : undefined}
                onClick={() => {
                  const next = addPoint(draft, day);
                  edit(next);
                  const added = next[day]?.[next[day].length - 1];
                  if (added !== undefined) focusLater(`[data-point-key="${added.key}"][data-field="time"]`);
                }}
              >
                Add switch point
              </button>
              {points.length >= MAX_SWITCH_POINTS ? (
                <span id={`${base}-full-${day}`} className="muted small">
                  {DAY_NAMES[day]} has the most switch points a day can have.
                </span>
              ) : null}
              {day === 0 ? (
                <>
                  <button type="button" className="button" onClick={() => edit(copyMonday(draft, 'weekdays'))}>
                    Copy Monday to weekdays
                  </button>
                  <button type="button" className="button" onClick={() => edit(copyMonday(draft, 'every-day'))}>
                    Copy Monday to every day
                  </button>
                </>
              ) : null}
            </div>
          </fieldset>
        ))}
        {problems.length > 0 || zoneProblem !== null ? (
          <p role="alert" className="banner banner-danger">
            The schedule was not saved: fix the fields marked above.
          </p>
        ) : null}
        <div className="actions sticky-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Save schedule
          </button>
        </div>
      </form>
    </Dialog>
  );
}
