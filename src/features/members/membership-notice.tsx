import { useCommands } from '@/lib/link/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectMembership, selectSelectedThermostat } from '@/stores/selectors';

/**
 * Why this phone cannot use the thermostat on screen, or is about to (docs/protocol.md "Joining", "Members"): it is
 * joining, its invitation was not taken, the household is full, or a member removed it.
 */
export function MembershipNotice() {
  const thermostat = useAppStore(selectSelectedThermostat);
  const membership = useAppStore(selectMembership);
  const removeThermostat = useAppStore((s) => s.removeThermostat);
  const { retryNow } = useCommands();
  if (thermostat === null) return null;
  const { name } = thermostat;

  const forget = (
    <button type="button" className="button" onClick={() => removeThermostat(thermostat.id)}>
      Forget this thermostat
    </button>
  );

  // The connection forgets a refusal when the person asks to try again: the household may have made room meanwhile.
  const tryAgain = (
    <button type="button" className="button" onClick={retryNow}>
      Try again
    </button>
  );

  switch (membership) {
    case 'joining':
      return (
        <p role="status" className="banner membership-notice">
          Joining {name}…
        </p>
      );
    case 'removed':
      return (
        <div role="alert" className="banner banner-danger membership-notice">
          <p>
            <strong>You were removed from {name}</strong>
          </p>
          <p>
            A member of the household removed this phone: it can no longer control or read the thermostat. To come back, ask a
            member for a new invitation.
          </p>
          {forget}
        </div>
      );
    case 'invitation_refused':
      return (
        <div role="alert" className="banner banner-danger membership-notice">
          <p>
            <strong>{name} did not take the invitation</strong>
          </p>
          <p>
            It may have been used already, be more than 24 hours old or from before the thermostat restarted, or the thermostat
            may be offline. Ask a member of the household for a new invitation.
          </p>
          <div className="actions members-actions">
            {tryAgain}
            {forget}
          </div>
        </div>
      );
    case 'full':
      return (
        <div role="alert" className="banner banner-warn membership-notice">
          <p>
            <strong>{name} has no room for this phone</strong>
          </p>
          <p>
            8 members is the most a thermostat keeps: ask a member of the household to remove someone, then try again. Your
            invitation stays good until it expires.
          </p>
          {tryAgain}
        </div>
      );
    default:
      return null;
  }
}
