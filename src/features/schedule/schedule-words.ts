import { parseTimeZone, type StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import type { CommandFailure } from '@/lib/link/link-status';
import { hourMinuteText } from '@/lib/time-zone/clock-text';
import { sameZoneRules } from '@/lib/time-zone/same-zone-rules';

/**
 * Whether the schedule runs ("The weekly schedule": the clock is known, a time zone is set and there is a switch
 * point) and, when it does not, what the thermostat does instead ("Which set point holds": the comfort target).
 */
export function scheduleStatus(
  state: Pick<StateMessage, 'time' | 'time_zone' | 'schedule' | 'target' | 'regime' | 'away_target' | 'boost' | 'manual' | 'away_until'>,
): { runs: boolean; text: string } {
  const comfort = `it holds the comfort target, ${formatTemperature(state.target)}, at home`;
  if (state.schedule.every((day) => day.length === 0)) return { runs: false, text: `No switch points yet: ${comfort}.` };
  if (state.time_zone === null) return { runs: false, text: `Not running: the thermostat has no time zone, so ${comfort}.` };
  if (state.time === null) return { runs: false, text: `Not running: the thermostat does not know the time yet, so ${comfort}.` };
  // An override beats the switch points while it runs ("Which set point holds", rows 1 to 3).
  if (state.boost !== null) {
    return { runs: true, text: `Running, but a boost holds ${formatTemperature(state.boost.setpoint)} for now: the switch points take over when it ends.` };
  }
  if (state.manual !== null) {
    return {
      runs: true,
      text: `Running, but a hold keeps ${formatTemperature(state.manual.setpoint)} for now: the switch points take over at the next one.`,
    };
  }
  if (state.away_until !== null && state.time < state.away_until.until - state.away_until.preheat_minutes * 60) {
    return {
      runs: true,
      text: `Running, but away-until holds the lower of each switch point's temperature and the away temperature, ${formatTemperature(state.away_target)}, until its warm-up.`,
    };
  }
  if (state.regime === 'away') {
    return {
      runs: true,
      text: `Running, but the house is away: the thermostat holds the lower of each switch point's temperature and the away temperature, ${formatTemperature(state.away_target)}.`,
    };
  }
  return { runs: true, text: 'Running: at home the thermostat follows these switch points.' };
}

/** "UTC+05:30", "UTC−03:00", "UTC". */
export function utcOffsetText(seconds: number): string {
  if (seconds === 0) return 'UTC';
  const magnitude = Math.abs(seconds);
  return `UTC${seconds < 0 ? '−' : '+'}${hourMinuteText(Math.floor(magnitude / 3600), Math.floor((magnitude % 3600) / 60))}`;
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

/** Whether the thermostat's zone gives this device's local time, however its text is written. */
export function isDeviceZone(thermostatZone: string | null, device: DeviceZone | null, nowUtc: number): boolean {
  return thermostatZone !== null && device !== null && device.text !== null && sameZoneRules(device.text, thermostatZone, nowUtc);
}

/** Which time the schedule's times are in, named as the person knows it when it is this device's zone. */
export function zoneWords(thermostatZone: string | null, device: DeviceZone | null, nowUtc: number): string {
  if (thermostatZone === null) return 'The thermostat has no time zone yet.';
  if (device !== null && isDeviceZone(thermostatZone, device, nowUtc)) return `Times are ${device.name} time.`;
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
    case 'not-member':
      return 'The thermostat does not take this phone, so the schedule was not saved.';
    case 'out_of_range':
      return 'The thermostat refused the schedule: a time, temperature or time zone was outside what it accepts.';
    case 'bad_message':
      return 'The thermostat could not read the schedule.';
    case 'no_clock':
      return 'The thermostat refused the change: it does not know the time yet.';
  }
}
