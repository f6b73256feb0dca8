import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useNearViewport } from '@/hooks/use-near-viewport';
import type { SetFields, WeekSchedule } from '@protocol';
import { useCommands } from '@/lib/link/commands-context';
import { formatTemperature } from '@/lib/format';
import { deviceTimeZone, posixTimeZoneFor } from '@/lib/time-zone/posix-time-zone';
import { useAppStore } from '@/stores/app-store';
import { selectCommandError, selectCurrentState, selectPendingSettings } from '@/stores/selectors';
import { DAY_NAMES, minuteText } from './schedule-draft';
import { ScheduleEditor } from './schedule-editor';
import { failureWords, isDeviceZone, scheduleStatus, zoneWords, type DeviceZone } from './schedule-words';

function WeekTable({ schedule }: { schedule: WeekSchedule }) {
  return (
    <table className="schedule-week">
      <caption className="visually-hidden">Switch points of the week</caption>
      <tbody>
        {DAY_NAMES.map((name, day) => {
          const points = schedule[day] ?? [];
          return (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>
                {points.length === 0 ? (
                  <span className="muted">No switch points</span>
                ) : (
                  <ul className="schedule-week-points">
                    {points.map(([minute, celsius]) => (
                      <li key={minute}>
                        {minuteText(minute)} {formatTemperature(celsius)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** How far below the screen the card starts reading this device's zone: little, as it starts close below a phone's. */
const NEAR_PX = 100;

/**
 * The thermostat's weekly schedule ("The weekly schedule"): the week as the thermostat's STATE has it, whether it
 * runs, the zone its times are in, and an editor that sends it back in one SET.
 */
export function ScheduleCard({
  deviceZone,
}: {
  /** This device's IANA zone, null for none; the browser's when not given. */
  deviceZone?: string | null;
}) {
  const headingId = useId();
  const failureId = useId();
  const schedule = useAppStore((s) => selectCurrentState(s)?.state.schedule ?? null);
  const timeZone = useAppStore((s) => selectCurrentState(s)?.state.time_zone ?? null);
  const clock = useAppStore((s) => selectCurrentState(s)?.state.time ?? null);
  const target = useAppStore((s) => selectCurrentState(s)?.state.target ?? null);
  const awayTarget = useAppStore((s) => selectCurrentState(s)?.state.away_target ?? null);
  const regime = useAppStore((s) => selectCurrentState(s)?.state.regime ?? null);
  const boost = useAppStore((s) => selectCurrentState(s)?.state.boost ?? null);
  const manual = useAppStore((s) => selectCurrentState(s)?.state.manual ?? null);
  const awayUntil = useAppStore((s) => selectCurrentState(s)?.state.away_until ?? null);
  // Zones are compared over the two years from here: the moment the card was first shown is near enough.
  const [nowUtc] = useState(() => Math.floor(Date.now() / 1000));
  const pendingSchedule = useAppStore((s) => selectPendingSettings(s)?.schedule);
  const pendingZone = useAppStore((s) => selectPendingSettings(s)?.time_zone);
  const commandError = useAppStore(selectCommandError);
  const { sendSettings } = useCommands();
  const [editing, setEditing] = useState(false);
  /** Set from our own SET until a STATE confirms it or the command fails, so that only our failures show here. */
  const [sent, setSent] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  // Deriving the rules probes Intl a few thousand times: once per zone the card is shown with, and only once the card
  // is about to come into sight (on a phone it starts just below the first screen): a page's first Intl object alone
  // costs tens of milliseconds. Until then the card speaks of the thermostat's zone alone, out of sight.
  const [near, card] = useNearViewport(NEAR_PX);
  const device = useMemo<DeviceZone | null>(() => {
    if (!near) return null;
    const zone = deviceZone === undefined ? deviceTimeZone() : deviceZone;
    return zone === null ? null : { name: zone, text: posixTimeZoneFor(zone, new Date()) };
  }, [near, deviceZone]);

  const pending = pendingSchedule !== undefined || pendingZone !== undefined;
  const failure = sent && !pending ? commandError : null;
  if (sent && !pending && commandError === null) setSent(false);

  // Focus goes back to the button that opened the editor once the editor (and the inert it put on the app) is gone.
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const send = (fields: SetFields) => {
    setSent(true);
    sendSettings(fields);
  };

  if (schedule === null || target === null || awayTarget === null || regime === null) {
    return (
      <section ref={card} className="card schedule" aria-labelledby={headingId}>
        <h2 id={headingId} className="card-title">
          Schedule
        </h2>
        <p className="muted">The schedule shows once the thermostat has answered.</p>
      </section>
    );
  }

  const shown = pendingSchedule ?? schedule;
  const shownZone = pendingZone === undefined ? timeZone : pendingZone;
  const status = scheduleStatus({
    schedule: shown,
    time_zone: shownZone,
    time: clock,
    target,
    regime,
    away_target: awayTarget,
    boost,
    manual,
    away_until: awayUntil,
  });
  const offerDevice = device !== null && device.text !== null && !isDeviceZone(shownZone, device, nowUtc);

  return (
    <section ref={card} className="card schedule" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        Schedule
      </h2>
      <p className={status.runs ? 'schedule-status' : 'schedule-status tone-warn'}>{status.text}</p>
      <p className="muted small">
        {zoneWords(shownZone, device, nowUtc)}
        {shownZone === null && device !== null && device.text === null
          ? ` Hearth cannot give the thermostat the rules of ${device.name}: pick a zone in the editor.`
          : ''}
      </p>
      {offerDevice ? (
        <button type="button" className="button" disabled={pending} onClick={() => send({ time_zone: device.text })}>
          Use this device's time zone
        </button>
      ) : null}
      <WeekTable schedule={shown} />
      <p className="target-note" role="status">
        {pending ? 'Sending… the thermostat has not confirmed the schedule yet.' : ''}
      </p>
      {failure === null ? null : (
        // Not an alert: the screen's command error announces the failure; this says what it meant for the schedule.
        <p id={failureId} className="banner banner-warn">
          {failureWords(failure)}
        </p>
      )}
      <div className="actions">
        <button
          ref={editButton}
          type="button"
          className="button button-primary"
          aria-describedby={failure === null ? undefined : failureId}
          onClick={() => setEditing(true)}
        >
          Edit schedule
        </button>
      </div>
      {editing ? (
        <ScheduleEditor
          schedule={shown}
          timeZone={shownZone}
          device={device}
          onSave={send}
          onClose={() => setEditing(false)}
        />
      ) : null}
    </section>
  );
}
