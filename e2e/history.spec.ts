import { randomBytes } from 'node:crypto';
import { test, expect } from './fixtures/index.ts';
import { RawClient } from './fixtures/raw-client.ts';
import {
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  fromBase64url,
  message,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  type ClientId,
  type HistoryMessage,
  type Message,
  type SetFields,
} from '../protocol/index.ts';
import type { SimulatedThermostat } from '../scripts/system-thermostat.ts';

// The household lives in Berlin; the thermostat runs in real time, and `run` gives it a week of weather at once.
test.use({ timezoneId: 'Europe/Berlin', simSpeed: 1 });

/** The rules of Europe/Berlin as a thermostat stores them ("Time zones"). */
const BERLIN = 'CET-1CEST,M3.5.0,M10.5.0/3';
const DAY_S = 86_400;
const SLOT_S = HISTORY_INTERVAL_S;
const slotOf = (utc: number): number => Math.floor(utc / SLOT_S) * SLOT_S;

/**
 * The phone of the member who put the thermostat up: it gave the thermostat its zone, and the test reads the
 * thermostat's own record through it, page by page, as any member's app may.
 */
class FirstMembersPhone {
  private session = '';
  private seq = 1;

  private constructor(
    private readonly client: RawClient,
    private readonly id: ClientId,
    private readonly thermostat: SimulatedThermostat,
    private readonly key: Uint8Array,
  ) {}

  static async connect(wsUrl: string, thermostat: SimulatedThermostat): Promise<FirstMembersPhone> {
    const key = fromBase64url(thermostat.keyText);
    if (key === null) throw new Error(`the pairing link carries no key: ${thermostat.pairLink}`);
    const client = await RawClient.connect(wsUrl);
    return new FirstMembersPhone(client, await client.logOn(), thermostat, key);
  }

  /** The next message from the thermostat that `matches`, as the contract's validator reads it. */
  private async receive(matches: (received: Message) => boolean): Promise<Message> {
    const found: { message?: Message } = {};
    await this.client.nextPacket((packet) => {
      if ((packet.packet_type !== 'MSG' && packet.packet_type !== 'START') || packet.transmitter !== this.thermostat.id) return false;
      const opened = open(this.key, packet.packet_type, packet.transmitter, packet.receiver, packet.data);
      if (!opened.ok) return false;
      const parsed = parseMessage(opened.value);
      if (!parsed.ok) throw new Error(`the thermostat sent what the contract does not allow: ${parsed.message} in ${opened.value}`);
      if (!matches(parsed.value)) return false;
      found.message = parsed.value;
      return true;
    });
    if (found.message === undefined) throw new Error('a packet matched without a message');
    return found.message;
  }

  private send(body: object): void {
    this.client.send(message(this.id, this.thermostat.id, seal(this.key, 'MSG', this.id, this.thermostat.id, body)));
  }

  /** START: a session of its own, as an app opened again does. */
  async start(): Promise<void> {
    const nonce = toBase64url(randomBytes(16));
    const body = { type: 'START', name: 'First phone', nonce };
    this.client.send(start(this.id, this.thermostat.id, seal(this.key, 'START', this.id, this.thermostat.id, body)));
    const state = await this.receive((m) => m.type === 'STATE' && m.nonce === nonce);
    if (state.type !== 'STATE') throw new Error('START was not answered by a STATE');
    this.session = state.session;
    this.seq = 1;
  }

  async setTimeZone(zone: string): Promise<void> {
    this.seq += 1;
    const fields: SetFields = { time_zone: zone };
    this.send({ type: 'SET', session: this.session, seq: this.seq, ...fields });
    const state = await this.receive((m) => m.type === 'STATE' && m.time_zone === zone);
    expect(state).toMatchObject({ error: null });
  }

  /** Every slot of the 8 UTC days the thermostat keeps, from HISTORY pages of 12 hours, and its clock at the last. */
  async keptDays(now: number): Promise<{ slots: { start: number; heater_s: number | null }[]; answeredAt: number }> {
    const slots: { start: number; heater_s: number | null }[] = [];
    let answeredAt = now;
    for (let from = Math.floor(now / DAY_S) * DAY_S - 7 * DAY_S; from <= now; from += HISTORY_PAGE_SLOTS * SLOT_S) {
      this.seq += 1;
      this.send({ type: 'HISTORY_get', session: this.session, seq: this.seq, from });
      const page = (await this.receive((m) => m.type === 'HISTORY' && m.session === this.session && m.from === from)) as HistoryMessage;
      if (page.time === null) throw new Error('the thermostat lost its clock');
      answeredAt = page.time;
      page.heater_s.forEach((heater_s, index) => slots.push({ start: from + index * SLOT_S, heater_s }));
    }
    return { slots, answeredAt };
  }

  close(): void {
    this.client.close();
  }
}

/** "Tue 15 Dec": a day of the thermostat's in Berlin, as the app names it (and the ICU of this computer, independently). */
const berlinDayName = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', day: 'numeric', month: 'short' });
const berlinDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayOf = (utc: number): string => berlinDate.format(utc * 1000);

/** Hours as the table shows them, to a tenth. */
const hours = (seconds: number): string => `${(seconds / 3600).toFixed(1)} h`;
/** Any of the texts that `seconds` to `seconds + extra` of heating show as. */
const hoursBetween = (seconds: number, extra: number): string[] => [
  ...new Set(Array.from({ length: extra / 10 + 1 }, (_, step) => hours(seconds + step * 10))),
];
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (texts: readonly string[]): string => `(?:${texts.map(escaped).join('|')})`;

test('a new member sees the week the thermostat recorded before they joined, with the heating hours of each day', async ({
  page,
  app,
  thermostat,
  broker,
}) => {
  // Tuesday 15 December 2026, 13:05 in Berlin: the thermostat goes up on the wall, and the first member's phone
  // gives it the household's zone.
  const putUp = await thermostat.setTime('2026-12-15T12:05Z');
  await thermostat.run('10s'); // a first reading
  const firstPhone = await FirstMembersPhone.connect(broker.wsUrl, thermostat);
  try {
    await firstPhone.start();
    await firstPhone.setTimeZone(BERLIN);

    // A week of December weather: mild, then a cold spell, then mild again. The room at 20 °C needs more heating
    // in the cold, so the days differ.
    await thermostat.control('outside 8');
    await thermostat.run('2d');
    await thermostat.control('outside 0');
    await thermostat.run('3d');
    await thermostat.control('outside 12');
    await thermostat.run('2d');
    const { time: now } = await thermostat.state();
    if (now === null) throw new Error('the thermostat does not know the time after a week');
    expect(now - putUp).toBeGreaterThanOrEqual(7 * DAY_S);

    // What the thermostat's own record says, per day of Berlin: the slots it recorded and the heating in them. The
    // slot in progress is not over: the app may count any part of its 10 minutes.
    await firstPhone.start();
    const { slots, answeredAt } = await firstPhone.keptDays(now);
    const inProgress = slotOf(answeredAt);
    const days = new Map<string, { heating_s: number; recorded: number }>();
    let lastSevenDays_s = 0;
    for (const { start, heater_s } of slots) {
      if (heater_s === null || start >= inProgress) continue;
      const day = days.get(dayOf(start)) ?? { heating_s: 0, recorded: 0 };
      day.heating_s += heater_s;
      day.recorded += 1;
      days.set(dayOf(start), day);
      if (start >= slotOf(answeredAt - 7 * DAY_S)) lastSevenDays_s += heater_s;
    }
    expect(slots.find((slot) => slot.start === inProgress)?.heater_s, 'the slot in progress is being recorded').not.toBeNull();

    // Today and the 7 days before it, in Berlin (no change of offset in December: a day is 24 hours).
    const shownDays = Array.from({ length: 8 }, (_, index) => answeredAt - (7 - index) * DAY_S);
    const pastDays = shownDays.slice(0, 7).map((utc) => {
      const { heating_s, recorded } = days.get(dayOf(utc)) ?? { heating_s: 0, recorded: 0 };
      const recordedHours = Number((recorded / 6).toFixed(1));
      return {
        name: berlinDayName.format(utc * 1000),
        heating: hours(heating_s),
        recordedBy: recorded === 144 ? 'the thermostat' : `the thermostat (${recordedHours} of 24 h)`,
      };
    });
    const todayEnded_s = days.get(dayOf(answeredAt))?.heating_s ?? 0;
    const todayHeating = hoursBetween(todayEnded_s, SLOT_S);
    // The thermostat was put up on the first of these days, at 13:05: it recorded from 13:00 on.
    expect(pastDays[0]).toMatchObject({ name: 'Tue 15 Dec', recordedBy: 'the thermostat (11 of 24 h)' });
    expect(pastDays.slice(1).map((day) => day.recordedBy)).toEqual(Array(6).fill('the thermostat'));
    expect(new Set(pastDays.slice(1).map((day) => day.heating)).size, 'the cold days needed more heating').toBeGreaterThan(1);

    // A new member pairs a week later; their phone shows the thermostat's time, as in any household.
    await page.clock.setSystemTime(answeredAt * 1000);
    const screen = await app.pair(page, { thermostatName: 'Living room' });

    // The last 24 hours first, then the week: all of it from the thermostat's record.
    await screen.showHistory('24 hours');
    await expect(screen.historyChart).toHaveAccessibleName('Temperature, set point and heater on-time, last 24 hours');
    await expect(screen.historyChart).toHaveAccessibleDescription(
      /^In the last 24 hours: (?:24(?:\.2)? h from the thermostat, 0 h|24 h from the thermostat, 0\.2 h) seen by this app, 0 h with no record\./,
    );
    await screen.showHistory('7 days');
    await expect(screen.historyCard).toContainText('From the thermostat’s own record; what this app saw fills the slots it has none for.');
    await expect(screen.historyChart).toHaveAccessibleName('Temperature, set point and heater on-time, last 7 days');
    await expect(screen.historyChart).toHaveAccessibleDescription(
      new RegExp(
        '^In the last 7 days: (?:168(?:\\.2)? h from the thermostat, 0 h|168 h from the thermostat, 0\\.2 h) seen by this app, 0 h with no record\\. ' +
          `Temperature from .+ to .+\\. Heating ${oneOf(hoursBetween(lastSevenDays_s, SLOT_S))}\\.$`,
      ),
    );

    // Heating hours per day, in Berlin's days: the same hours as the thermostat's pages, in bars and in the table.
    await expect(screen.historyCard).toContainText('Heating hours per day, in the thermostat’s local days');
    await expect(screen.heatingBars).toHaveAccessibleName(
      new RegExp(`^Heating hours per day, as bars: ${pastDays.map((day) => `${escaped(day.name)} ${escaped(day.heating)}, `).join('')}Today so far ${oneOf(todayHeating)}$`),
    );
    const rows = screen.heatingDays();
    await expect(rows).toHaveCount(8);
    for (const [index, day] of pastDays.entries()) {
      const row = rows.nth(index);
      await expect(row.getByRole('rowheader')).toHaveText(day.name);
      await expect(row.getByRole('cell')).toHaveText([day.heating, day.recordedBy]);
    }
    const today = rows.nth(7);
    await expect(today.getByRole('rowheader')).toHaveText('Today so far');
    await expect(today.getByRole('cell')).toHaveText([new RegExp(`^${oneOf(todayHeating)}$`), /^the thermostat(?: and this app)?$/]);
  } finally {
    firstPhone.close();
  }
});
