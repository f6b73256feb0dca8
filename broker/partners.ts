/**
 * docs/protocol.md, "Limits": the IDs a client has itself sent a unicast to are its partners, and what they send
 * it is held only by their own sending rate, never by the inbound budget strangers share. The book is kept per
 * ID, not per connection, so that it outlives a reconnect: a thermostat that comes back still hears its apps'
 * STARTs at once, however much of its strangers' budget someone else is spending.
 */
import type { ClientId } from '../protocol/index.ts';

/** A thermostat has at most 8 apps (docs/protocol.md, "Sessions and replay"); room for a few more devices. */
export const PARTNERS_PER_ID = 32;
/** A partner not addressed for a day is a stranger again; an ID silent that long loses its whole book. */
export const PARTNER_TTL_MS = 24 * 60 * 60_000;
/** How stale a recorded pair may get before a unicast records it again (its order and age). */
const REFRESH_MS = 60_000;

interface Book {
  /** Partner ID → when it was last addressed, least recently addressed first. */
  readonly partners: Map<ClientId, number>;
  touched: number;
}

export class PartnerBook {
  /** Receiver ID → its partners, least recently touched first. */
  private readonly books = new Map<ClientId, Book>();
  private entries = 0;

  constructor(
    /** Partners remembered across all IDs: past it the book touched longest ago is forgotten whole. */
    private readonly maxEntries: number,
    private readonly perId = PARTNERS_PER_ID,
    private readonly ttlMs = PARTNER_TTL_MS,
  ) {
    if (maxEntries < perId) throw new Error('a partner book must have room for one full ID');
  }

  /**
   * `from` sent a unicast to `to` (at `now`): from now on `from` hears from `to` freely. Returns whether the pair
   * was recorded, false when it already was within the last minute; a node of a cluster shares what it records.
   */
  addressed(from: ClientId, to: ClientId, now: number): boolean {
    let book = this.books.get(from);
    // Every unicast passes here: a pair already recorded within the last minute is left as it stands, so the
    // forwarding path pays two lookups, and the order (and ages) are kept to the minute, which the day-long
    // time to live does not notice.
    if (book !== undefined && now - book.touched < REFRESH_MS) {
      const addressedAt = book.partners.get(to);
      if (addressedAt !== undefined && now - addressedAt < REFRESH_MS) return false;
    }
    if (book === undefined) book = { partners: new Map(), touched: now };
    else this.books.delete(from);
    book.touched = now;
    this.books.set(from, book);
    if (book.partners.delete(to)) this.entries -= 1;
    else if (book.partners.size >= this.perId) this.forgetOldestPartner(book);
    book.partners.set(to, now);
    this.entries += 1;
    while (this.entries > this.maxEntries) this.forgetOldestBook();
    return true;
  }

  /** Whether `receiver` addressed `sender` within the time to live. */
  isPartner(receiver: ClientId, sender: ClientId, now: number): boolean {
    const addressedAt = this.books.get(receiver)?.partners.get(sender);
    return addressedAt !== undefined && now - addressedAt < this.ttlMs;
  }

  /** Forgets the books of IDs that have addressed no one within the time to live. */
  sweep(now: number): void {
    for (const [id, book] of this.books) {
      if (now - book.touched < this.ttlMs) return;
      this.books.delete(id);
      this.entries -= book.partners.size;
    }
  }

  get size(): { ids: number; partners: number } {
    return { ids: this.books.size, partners: this.entries };
  }

  private forgetOldestPartner(book: Book): void {
    const oldest = book.partners.keys().next();
    if (oldest.done === true) return;
    book.partners.delete(oldest.value);
    this.entries -= 1;
  }

  private forgetOldestBook(): void {
    const oldest = this.books.entries().next();
    if (oldest.done === true) return;
    const [id, book] = oldest.value;
    this.books.delete(id);
    this.entries -= book.partners.size;
  }
}
