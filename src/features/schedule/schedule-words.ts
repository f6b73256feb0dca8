import { parseTimeZone, type StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import type { CommandFailure } from '@/lib/connection/connection-status';

/**
 * Whether the schedule runs ("The weekly schedule": the clock is known, a time zone is set and there is a switch
 * point) and, when it does not, what the thermostat does instead ("Which set point holds": the comfort target).
 */
export function scheduleStatus(
  state: Pick<StateMessage, 'time' | 'time_zone' | 'schedule' | 'target' | 'regime' | 'away_target'>,
): { runs: boolean; text: string } {
  const comfort = `it holds the comfort target, ${formatTemperature(state.target)}, at home`;
  if (state.schedule.every((day) => day.length === 0)) return { runs: false, text: `No switch points yet: ${comfort}.` };
  if (state.time_zone === null) return { runs: false, text: `Not running: the thermostat has no time zone, so ${comfort}.` };
  if (state.time === null) return { runs: false, text: `Not running: the thermostat does not know the time yet, so ${comfort}.` };
  if (state.regime === 'away') {
    return {
      runs: true,
      text: `Running, but the house is away: the thermostat holds the lower of each switch point's temperature and the away temperature, ${formatTemperature(state.away_target)}.`,
    };
  }
  return { runs: true, text: 'Running: at home the thermostat follows these switch points.' };
}

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** "UTC+05:30", "UTC−03:00", "UTC". */
export function utcOffsetText(seconds: number): string {
  if (seconds === 0) return 'UTC';
  const magnitude = Math.abs(seconds);
  return `UTC${seconds < 0 ? '−' : '+'}${twoDigits(Math.floor(magnitude / 3600))}:${twoDigits(Math.floor((magnitude % 3600) / 60))}`;
}

/** A POSIX TZ text in words: "UTC+01:00, UTC+02:00 with daylight saving time". */
export function zoneOffsetsText(timeZone: string): string {
  const rules = parseTimeZone(timeZone);
  if (rules === null) return timeZone;
  const standard = utcOffsetText(rules.stdOffset);
  return rules.dst === null ? standard : `${standard}, ${utcOffsetText(rules.dst.offset)} with daylight saving time`;
}

export interface DeviceZone {
  /** The IANA name the browser gives, "Europe/Berlin". */
  name: string;
  /** Its POSIX text, or null when none reproduces it. */
  text: string | null;
}

/** Which time the schedule's times are in, named as the person knows it when it is this device's zone. */
export function zoneWords(thermostatZone: string | null, device: DeviceZone | null): string {
  if (thermostatZone === null) return 'The thermostat has no time zone yet.';
  if (device !== null && device.text === thermostatZone) return `Times are ${device.name} time.`;
  const notDevice = device === null ? '' : `, not this device's (${device.name})`;
  return `Times are the thermostat's local time: ${zoneOffsetsText(thermostatZone)}${notDevice}.`;
}

/** Why a schedule sent did not take effect, in words. */
export function failureWords(failure: CommandFailure): string {
  switch (failure) {
    case 'no-answer':
      return 'The thermostat did not answer, so the schedule was not saved. Try again.';
    case 'thermostat-offline':
      return 'The thermostat is offline, so the schedule was not saved.';
    case 'out_of_range':
      return 'The thermostat refused the schedule: a time, temperature or time zone was outside what it accepts.';
    case 'bad_message':
      return 'The thermostat could not read the schedule.';
    case 'no_clock':
      return 'The thermostat refused the change: it does not know the time yet.';
  }
}
