import type { ConnectionStatus } from '@/lib/link/link-status';
import { useCommands } from '@/lib/link/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectMembership } from '@/stores/selectors';

interface StatusText {
  phrase: string;
  detail: string;
  tone: 'ok' | 'busy' | 'warn' | 'bad';
  canRetry: boolean;
}

/**
 * The first words are fixed (tests and people rely on them); the rest says what to do. `membership`: the selected
 * thermostat's, so a refused invitation reads as the one problem the membership notice explains, not as a bad key.
 */
export function describeStatus(status: ConnectionStatus, online: boolean, membership: ReturnType<typeof selectMembership> = null): StatusText {
  if (!online) return { phrase: 'Offline', detail: 'No network. Showing the last known state.', tone: 'bad', canRetry: false };
  switch (status) {
    case 'connecting':
      return { phrase: 'Connecting…', detail: '', tone: 'busy', canRetry: false };
    case 'connected':
      return { phrase: 'Connected', detail: '', tone: 'ok', canRetry: false };
    case 'no-thermostat':
      return { phrase: 'Connected', detail: 'to the broker. Add a thermostat to start.', tone: 'ok', canRetry: false };
    case 'offline':
      return { phrase: 'Offline', detail: 'Cannot reach the broker; retrying.', tone: 'bad', canRetry: true };
    case 'replaced':
      return { phrase: 'Offline', detail: 'This app is open in another window.', tone: 'warn', canRetry: true };
    case 'thermostat-offline':
      return { phrase: 'Thermostat offline', detail: 'Check its power and Wi-Fi.', tone: 'warn', canRetry: true };
    case 'not-answering':
      return { phrase: 'Thermostat not answering', detail: 'Trying again.', tone: 'warn', canRetry: true };
    case 'insecure-page':
      return {
        phrase: 'Cannot log on from this page',
        detail: 'Browsers allow the logon key only on https:// pages (or localhost). Open the app at its https:// address.',
        tone: 'bad',
        canRetry: false,
      };
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
  const status = useAppStore((s) => s.connectionStatus);
  const online = useAppStore((s) => s.online);
  const membership = useAppStore(selectMembership);
  const { retryNow } = useCommands();
  const text = describeStatus(status, online, membership);
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
