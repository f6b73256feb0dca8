import { useNow } from '@/hooks/use-now';
import type { BrokerStatus, Membership } from '@/lib/link/link-status';
import { useCommands } from '@/lib/link/commands-context';
import { useAppStore, type AppState } from '@/stores/app-store';
import { reachOf, type Reach } from '@/stores/reach';
import { REACH_WORDS, type NotLive } from '@/stores/reach-words';
import { selectMembership } from '@/stores/selectors';

interface StatusText {
  phrase: string;
  detail: string;
  tone: 'ok' | 'busy' | 'warn' | 'bad';
  canRetry: boolean;
}

/** The broker link's own trouble: the layer between this device and the thermostat's session. */
function describeBroker(status: Exclude<BrokerStatus, 'connected'>): StatusText {
  switch (status) {
    case 'connecting':
      return { phrase: 'Connecting…', detail: '', tone: 'busy', canRetry: false };
    case 'offline':
      return notLive('broker-unreachable', 'bad', true);
    case 'replaced':
      return { phrase: 'Open in another window', detail: 'This window stepped back; use the other one, or retry here.', tone: 'warn', canRetry: true };
    case 'insecure-page':
      return {
        phrase: 'Cannot log on from this page',
        detail: 'Browsers allow the logon key only on https:// pages (or localhost). Open the app at its https:// address.',
        tone: 'bad',
        canRetry: false,
      };
  }
}

/** What the bar adds for a refusal: the membership says which one (the notice beside it says what to do). */
const REFUSAL_DETAIL: Partial<Record<Membership, string>> = {
  invitation_refused: 'The thermostat did not take the invitation: see the notice for what to do.',
  removed: 'A member removed this phone from the household: see the notice for what to do.',
  full: 'The household already has its 8 members: see the notice for what to do.',
};

/**
 * The first words name the layer that is wrong (tests and people rely on them); the rest says what to do. `reach`:
 * the thermostat on screen's (null when none is paired); "Connected" only while it is live. `membership`: its
 * membership, so a refusal reads as the one the membership notice explains.
 */
export function describeStatus(
  broker: BrokerStatus,
  online: boolean,
  reach: Reach | null,
  membership: Membership | null = null,
  sessionStarting = false,
): StatusText {
  if (!online) return notLive('no-network', 'bad', false);
  if (broker !== 'connected') return describeBroker(broker);
  switch (reach) {
    case null:
      return { phrase: 'Connected', detail: 'to the broker. Add a thermostat to start.', tone: 'ok', canRetry: false };
    case 'live':
      return { phrase: 'Connected', detail: '', tone: 'ok', canRetry: false };
    case 'no-network':
      return notLive('no-network', 'bad', false);
    case 'broker-unreachable':
      return describeBroker('connecting');
    case 'checking':
      return sessionStarting ? { phrase: 'Connecting…', detail: 'to the thermostat.', tone: 'busy', canRetry: false } : notLive('checking', 'busy', false);
    case 'thermostat-offline':
    case 'not-answering':
      return notLive(reach, 'warn', true);
    case 'wrong-key':
      return notLive(reach, 'bad', true);
    case 'not-let-in': {
      const words = notLive(reach, 'bad', true);
      return { ...words, detail: (membership === null ? undefined : REFUSAL_DETAIL[membership]) ?? words.detail };
    }
  }
}

function notLive(reach: NotLive, tone: StatusText['tone'], canRetry: boolean): StatusText {
  return { phrase: REACH_WORDS[reach].title, detail: REACH_WORDS[reach].detail, tone, canRetry };
}

/** On "All rooms": the broker link, then how many rooms are live ("2 of 3 rooms live"); Retry asks every room not live. */
export function describeRooms(broker: BrokerStatus, online: boolean, live: number, rooms: number): StatusText {
  if (!online) return notLive('no-network', 'bad', false);
  if (broker !== 'connected') return describeBroker(broker);
  const all = live === rooms;
  return {
    phrase: 'Connected',
    detail: `to the broker. ${live} of ${rooms} rooms live.`,
    tone: all ? 'ok' : 'warn',
    canRetry: !all,
  };
}

const liveRooms = (s: AppState, now: number) => s.thermostats.filter((thermostat) => reachOf(s, thermostat.id, now) === 'live').length;

export function LinkStatusBar() {
  const now = useNow();
  const broker = useAppStore((s) => s.brokerStatus);
  const online = useAppStore((s) => s.online);
  const onRooms = useAppStore((s) => s.screen === 'rooms' && s.thermostats.length > 1);
  const rooms = useAppStore((s) => s.thermostats.length);
  const live = useAppStore((s) => liveRooms(s, now));
  const reach = useAppStore((s) => (s.selectedId === null ? null : reachOf(s, s.selectedId, now)));
  const starting = useAppStore((s) => s.selectedId !== null && (s.sessionOf[s.selectedId] ?? 'starting') === 'starting');
  const membership = useAppStore(selectMembership);
  const { retryNow } = useCommands();
  const text = onRooms ? describeRooms(broker, online, live, rooms) : describeStatus(broker, online, reach, membership, starting);
  return (
    <div className={`link-status tone-${text.tone}`}>
      <span className="link-status-dot" aria-hidden="true" />
      {/* "Connection": the name e2e journeys and the app's tests find the bar by. */}
      <p role="status" aria-label="Connection" className="link-status-text">
        {text.phrase}
        {text.detail === '' ? null : <span className="link-status-detail"> {text.detail}</span>}
      </p>
      {text.canRetry ? (
        <button type="button" className="link-button" onClick={retryNow}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
