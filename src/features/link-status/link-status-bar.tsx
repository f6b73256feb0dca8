import type { BrokerStatus } from '@/lib/link/link-status';
import { useCommands } from '@/lib/link/commands-context';
import { useNow } from '@/lib/use-now';
import { useAppStore } from '@/stores/app-store';
import { reachOf, type Reach } from '@/stores/reach';
import { selectMembership } from '@/stores/selectors';

interface StatusText {
  phrase: string;
  detail: string;
  tone: 'ok' | 'busy' | 'warn' | 'bad';
  canRetry: boolean;
}

/** How often the bar re-checks the age of the last STATE, so it stops saying Connected within a second of it going old. */
const REACH_CHECK_MS = 1000;

/** The broker link's own trouble: the layer between this device and the thermostat's session. */
function describeBroker(status: Exclude<BrokerStatus, 'connected'>): StatusText {
  switch (status) {
    case 'connecting':
      return { phrase: 'Connecting…', detail: '', tone: 'busy', canRetry: false };
    case 'offline':
      return { phrase: 'Broker unreachable', detail: 'Cannot reach the broker; retrying. Showing the last known state.', tone: 'bad', canRetry: true };
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

/**
 * The first words name the layer that is wrong (tests and people rely on them); the rest says what to do. `reach`:
 * the thermostat on screen's (null when none is paired); "Connected" only while it is live. `membership`: its
 * membership, so a refused invitation reads as the one problem the membership notice explains, not as a bad key.
 */
export function describeStatus(
  broker: BrokerStatus,
  online: boolean,
  reach: Reach | null,
  membership: ReturnType<typeof selectMembership> = null,
  sessionStarting = false,
): StatusText {
  if (!online) return { phrase: 'Offline', detail: 'No network on this device. Showing the last known state.', tone: 'bad', canRetry: false };
  if (broker !== 'connected') return describeBroker(broker);
  switch (reach) {
    case null:
      return { phrase: 'Connected', detail: 'to the broker. Add a thermostat to start.', tone: 'ok', canRetry: false };
    case 'live':
      return { phrase: 'Connected', detail: '', tone: 'ok', canRetry: false };
    case 'no-network':
      return { phrase: 'Offline', detail: 'No network on this device. Showing the last known state.', tone: 'bad', canRetry: false };
    case 'broker-unreachable':
      return describeBroker('connecting');
    case 'checking':
      return sessionStarting
        ? { phrase: 'Connecting…', detail: 'to the thermostat.', tone: 'busy', canRetry: false }
        : { phrase: 'Checking the thermostat…', detail: 'No news from it for over a minute; asking it.', tone: 'busy', canRetry: false };
    case 'thermostat-offline':
      return { phrase: 'Thermostat offline', detail: 'The broker cannot reach it: check its power and Wi-Fi.', tone: 'warn', canRetry: true };
    case 'not-answering':
      return { phrase: 'Thermostat not answering', detail: 'It is connected but silent; trying again.', tone: 'warn', canRetry: true };
    case 'wrong-key':
      // The thermostat refused the invitation this phone joined with ("Joining"): the key is not "wrong", the link is spent.
      if (membership === 'invitation_refused') {
        return { phrase: 'Not let in', detail: 'The thermostat did not take the invitation: see the notice for what to do.', tone: 'bad', canRetry: true };
      }
      return {
        phrase: 'Wrong key — check the pairing link',
        detail: 'The thermostat is online but does not answer this key.',
        tone: 'bad',
        canRetry: true,
      };
  }
}

export function ConnectionStatusBar() {
  const now = useNow(REACH_CHECK_MS);
  const broker = useAppStore((s) => s.brokerStatus);
  const online = useAppStore((s) => s.online);
  const reach = useAppStore((s) => (s.selectedId === null ? null : reachOf(s, s.selectedId, now)));
  const starting = useAppStore((s) => s.selectedId !== null && (s.sessionOf[s.selectedId] ?? 'starting') === 'starting');
  const membership = useAppStore(selectMembership);
  const { retryNow } = useCommands();
  const text = describeStatus(broker, online, reach, membership, starting);
  return (
    <div className={`connection tone-${text.tone}`}>
      <span className="connection-dot" aria-hidden="true" />
      <p role="status" aria-label="Connection" className="connection-text">
        {text.phrase}
        {text.detail === '' ? null : <span className="connection-detail"> {text.detail}</span>}
      </p>
      {text.canRetry ? (
        <button type="button" className="link-button" onClick={retryNow}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
