import { describe, expect, it } from 'vitest';
import { PARTNER_TTL_MS, PartnerBook } from './partners.ts';

const thermostat = 'TTTTTTTTTTTTTTTTTTTTTT';
const app = 'AAAAAAAAAAAAAAAAAAAAAA';
const stranger = 'SSSSSSSSSSSSSSSSSSSSSS';
const MINUTE = 60_000;
const idOf = (index: number): string => `${String(index).padStart(4, '0')}IIIIIIIIIIIIIIIIII`;

describe('PartnerBook', () => {
  it('makes an ID a partner of whoever addressed it, one way only', () => {
    const book = new PartnerBook(100);
    book.addressed(thermostat, app, 0);
    expect(book.isPartner(thermostat, app, 1)).toBe(true);
    expect(book.isPartner(app, thermostat, 1)).toBe(false);
    expect(book.isPartner(thermostat, stranger, 1)).toBe(false);
  });

  it('remembers the IDs each ID addressed most recently, up to its cap', () => {
    const book = new PartnerBook(1000, 32);
    const ids = Array.from({ length: 33 }, (_, index) => idOf(index));
    for (const partner of ids.slice(0, 32)) book.addressed(thermostat, partner, 0);
    book.addressed(thermostat, ids[0]!, MINUTE); // used again: now the most recent
    book.addressed(thermostat, ids[32]!, 2 * MINUTE); // forgets ids[1], the least recently addressed
    expect(book.isPartner(thermostat, ids[0]!, 3 * MINUTE)).toBe(true);
    expect(book.isPartner(thermostat, ids[32]!, 3 * MINUTE)).toBe(true);
    expect(book.isPartner(thermostat, ids[1]!, 3 * MINUTE)).toBe(false);
    expect(book.size).toEqual({ ids: 1, partners: 32 });
  });

  it('records a pair again only when its record is a minute old, so most unicasts cost two lookups', () => {
    const book = new PartnerBook(1000, 2);
    book.addressed(thermostat, app, 0);
    book.addressed(thermostat, stranger, 1);
    book.addressed(thermostat, app, MINUTE - 1); // within the minute: the order stays app, stranger
    book.addressed(thermostat, idOf(0), MINUTE); // the cap of 2 forgets the oldest record: app
    expect(book.isPartner(thermostat, app, MINUTE)).toBe(false);
    expect(book.isPartner(thermostat, stranger, MINUTE)).toBe(true);
    book.addressed(thermostat, stranger, 2 * MINUTE); // a minute on: recorded again, now the newest
    book.addressed(thermostat, app, 2 * MINUTE + 1); // forgets idOf(0)
    expect(book.isPartner(thermostat, stranger, 2 * MINUTE + 1)).toBe(true);
    expect(book.isPartner(thermostat, idOf(0), 2 * MINUTE + 1)).toBe(false);
  });

  it('forgets a partner not addressed within the time to live', () => {
    const book = new PartnerBook(100);
    book.addressed(thermostat, app, 0);
    book.addressed(thermostat, stranger, PARTNER_TTL_MS - 10);
    expect(book.isPartner(thermostat, app, PARTNER_TTL_MS - 1)).toBe(true);
    expect(book.isPartner(thermostat, app, PARTNER_TTL_MS)).toBe(false);
    expect(book.isPartner(thermostat, stranger, PARTNER_TTL_MS)).toBe(true);
  });

  it('sweeps the books of IDs that addressed no one within the time to live', () => {
    const book = new PartnerBook(100);
    book.addressed(thermostat, app, 0);
    book.addressed(app, thermostat, 1000);
    book.sweep(PARTNER_TTL_MS - 1);
    expect(book.size).toEqual({ ids: 2, partners: 2 });
    book.sweep(PARTNER_TTL_MS);
    expect(book.size).toEqual({ ids: 1, partners: 1 });
    expect(book.isPartner(app, thermostat, PARTNER_TTL_MS)).toBe(true);
    book.sweep(PARTNER_TTL_MS + 1000);
    expect(book.size).toEqual({ ids: 0, partners: 0 });
  });

  it('stays within its total, forgetting the book touched longest ago first', () => {
    const book = new PartnerBook(8, 4);
    book.addressed(thermostat, app, 0);
    for (let index = 0; index < 4; index += 1) book.addressed(idOf(index), stranger, 1 + index);
    book.addressed(thermostat, stranger, 10); // the thermostat's book is the most recent again
    for (let index = 10; index < 13; index += 1) book.addressed(idOf(index), stranger, index);
    expect(book.size.partners).toBeLessThanOrEqual(8);
    expect(book.isPartner(thermostat, app, 20)).toBe(true);
    expect(book.isPartner(idOf(0), stranger, 20)).toBe(false);
    for (let index = 20; index < 40; index += 1) book.addressed(idOf(index), stranger, index);
    expect(book.size).toEqual({ ids: 8, partners: 8 });
    expect(book.isPartner(thermostat, app, 40)).toBe(false);
  });
});
