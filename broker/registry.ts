/**
 * Who is logged on under which ID and who listens to which theme, on this process. Several broker nodes keep
 * their own and route between them through Redis (cluster/cluster.ts, ClusterRegistry).
 */
import type { ClientId } from '../protocol/index.ts';

export interface Registry<C> {
  /** Binds `id` to `connection` and returns the connection it was bound to before, if another. */
  bind(id: ClientId, connection: C): C | undefined;
  /** Unbinds `id` only while it is still bound to `connection`, so an old connection's close never unbinds a newer logon. */
  unbind(id: ClientId, connection: C): boolean;
  lookup(id: ClientId): C | undefined;
  loggedOn(): Iterable<C>;
  readonly loggedOnCount: number;
  subscribe(theme: string, connection: C): void;
  unsubscribe(theme: string, connection: C): void;
  subscribers(theme: string): Iterable<C>;
}

const NOBODY: ReadonlySet<never> = new Set();

export class MemoryRegistry<C> implements Registry<C> {
  private readonly byId = new Map<ClientId, C>();
  private readonly byTheme = new Map<string, Set<C>>();

  bind(id: ClientId, connection: C): C | undefined {
    const previous = this.byId.get(id);
    this.byId.set(id, connection);
    return previous === connection ? undefined : previous;
  }

  unbind(id: ClientId, connection: C): boolean {
    if (this.byId.get(id) !== connection) return false;
    return this.byId.delete(id);
  }

  lookup(id: ClientId): C | undefined {
    return this.byId.get(id);
  }

  loggedOn(): Iterable<C> {
    return this.byId.values();
  }

  get loggedOnCount(): number {
    return this.byId.size;
  }

  subscribe(theme: string, connection: C): void {
    let members = this.byTheme.get(theme);
    if (members === undefined) {
      members = new Set();
      this.byTheme.set(theme, members);
    }
    members.add(connection);
  }

  unsubscribe(theme: string, connection: C): void {
    const members = this.byTheme.get(theme);
    if (members === undefined) return;
    members.delete(connection);
    // Empty themes are dropped so that clients cannot grow the map with themes nobody listens to.
    if (members.size === 0) this.byTheme.delete(theme);
  }

  subscribers(theme: string): Iterable<C> {
    return this.byTheme.get(theme) ?? NOBODY;
  }

  hasSubscribers(theme: string): boolean {
    return this.byTheme.has(theme);
  }

  get themeCount(): number {
    return this.byTheme.size;
  }
}
