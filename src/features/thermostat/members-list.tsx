import type { Member } from '@protocol';
import { agoPhrase, formatDistance } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';

export function MembersList({ members, receivedAt }: { members: Member[]; receivedAt: number }) {
  // Read here, not passed down: this phone's ID arrives as the connection starts, and only this list shows it.
  const ownId = useAppStore((s) => s.ownId);
  // age_s was measured when the STATE left the thermostat; the list keeps ageing after that.
  const now = useNow();
  const sinceState = Math.max(0, now - receivedAt);
  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading" className="card-title">
        Members
      </h2>
      {members.length === 0 ? (
        <p className="muted">No one has reported presence yet. Turn on Geofence to report yours.</p>
      ) : (
        <ul aria-labelledby="members-heading" className="members">
          {members.map((member) => (
            <li key={member.id} className="member">
              <span className="member-name">
                {member.name || 'Unnamed'}
                {member.id === ownId ? ' (you)' : ''}
              </span>
              <span className={member.home ? 'pill pill-home' : 'pill'}>{member.home ? 'Home' : 'Away'}</span>
              <span className="member-detail">
                {/* OwnTracks tells the thermostat only "entered" or "left": it knows no distance. */}
                {member.source === 'owntracks' || member.distance === null ? 'via OwnTracks' : `${formatDistance(member.distance)} from home`} · reported{' '}
                {agoPhrase(member.age_s * 1000 + sinceState)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
