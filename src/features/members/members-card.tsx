import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useCommands } from '@/lib/link/commands-context';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import { selectMembers, selectMembership, selectSelectedThermostat } from '@/stores/selectors';
import { CloseOldLinkDialog, RemoveMemberDialog } from './confirm-dialogs';
import { InvitationOffer } from './invitation-offer';
import { heardWords, memberName, problemWords, type MembersView } from './members-words';

/** The card's heading, and so the name of its region and of its list. */
export const MEMBERS_CARD_TITLE = 'Household';

type Asking = { kind: 'remove'; id: string; name: string } | { kind: 'close-old-link' } | null;

/** How often the list is asked for again while an invitation this card made waits to be used. */
export const INVITATION_REFRESH_MS = 10_000;

/**
 * The household of the thermostat on screen (docs/protocol.md "Members"): who is in it and when the thermostat last
 * heard from each, removing someone, inviting someone, and closing the old shared link while it is open.
 */
export function MembersCard() {
  const thermostat = useAppStore(selectSelectedThermostat);
  const membership = useAppStore(selectMembership);
  if (thermostat === null) return null;
  // Refused, removed or still joining: the membership notice says why, and there is nothing this phone may ask.
  if (membership === 'old_link') return <NotMovedOver />;
  if (membership !== null && membership !== 'member') return null;
  // Keyed, so a dialog or a dismissed invitation of one thermostat never shows on another.
  return <HouseholdCard key={thermostat.id} thermostatName={thermostat.name} isMember={membership === 'member'} />;
}

/** Only members may ask for the list or change it ("Members"): a phone still on the old shared key cannot. */
function NotMovedOver() {
  const headingId = useId();
  return (
    <section className="card members-card" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {MEMBERS_CARD_TITLE}
      </h2>
      <p className="muted small">
        This phone still uses the old pairing link: only a phone with a key of its own can see who is in the household,
        invite or remove someone. The app moves it over when it next connects, if the household has room (8 members at
        most); a thermostat whose firmware does not know members yet needs an update first.
      </p>
    </section>
  );
}

/** `quietRefresh`: asking again in the background (an invitation waits) is not worth announcing every 10 s. */
function waitingWords(view: MembersView | null, isMember: boolean, quietRefresh: boolean): string {
  if (view === null) return isMember ? 'Asking the thermostat who is in the household…' : 'The household shows once this phone is connected to the thermostat.';
  if (view.pending && view.heardAt === 0) return 'Asking the thermostat who is in the household…';
  if (view.pending) return quietRefresh ? '' : 'Asking the thermostat…';
  return '';
}

/** `isMember` false: not known yet (not connected); the list is asked for once this phone is known as a member. */
function HouseholdCard({ thermostatName, isMember }: { thermostatName: string; isMember: boolean }) {
  const headingId = useId();
  const view = useAppStore(selectMembers);
  const ownId = useAppStore((s) => s.ownId);
  const { requestMembers, inviteMember, removeMember, closeOldLink } = useCommands();
  const now = useNow();
  const [asking, setAsking] = useState<Asking>(null);
  const [dismissedLink, setDismissedLink] = useState<string | null>(null);
  const [invited, setInvited] = useState(false);
  const [joinedWords, setJoinedWords] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (isMember) requestMembers();
  }, [isMember, requestMembers]);

  // Asking again while a MEMBERS_set is still out would send a second one: its answer is coming anyway.
  const pending = view?.pending === true;
  const askAgain = useCallback(() => {
    if (isMember && !pending) requestMembers();
  }, [isMember, pending, requestMembers]);
  // Someone may have joined, or been removed, while the page was hidden: the list is asked for again on return.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') askAgain();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [askAgain]);

  // Focus goes back to what opened a dialog once the dialog (and the inert it put on the app) is gone.
  const wasAsking = useRef(false);
  useEffect(() => {
    if (wasAsking.current && asking === null) opener.current?.focus();
    wasAsking.current = asking !== null;
  }, [asking]);
  // When the thermostat's answer takes that button away (the member removed, the old link closed) while it has
  // the focus, the focus would fall to the page's start: the card's heading keeps the person here instead.
  useEffect(() => {
    const from = opener.current;
    if (from === null || from.isConnected) return;
    opener.current = null;
    if (document.activeElement === null || document.activeElement === document.body) heading.current?.focus();
  });

  const ask = (next: NonNullable<Asking>, from: HTMLElement) => {
    opener.current = from;
    setAsking(next);
  };

  const invitation = view?.invitation ?? null;
  const shownInvitation = invitation !== null && invitation.link !== dismissedLink && invitation.expiresAt > now ? invitation : null;
  const listed = view?.members;
  const members = listed ?? [];
  const offeredLink = invited ? (shownInvitation?.link ?? null) : null;

  // While an invitation this card made waits, the list is asked for again now and then, so whoever takes it shows up
  // without a reload ("Joining"). Counted from the last answer: each request and answer starts the 10 s again.
  useEffect(() => {
    if (offeredLink === null) return;
    const timer = setInterval(askAgain, INVITATION_REFRESH_MS);
    return () => clearInterval(timer);
  }, [offeredLink, askAgain]);

  // A member new since the invitation showed has used it: a link works once, so it is put away.
  const membersWhenOffered = useRef<{ link: string; ids: Set<string> } | null>(null);
  useEffect(() => {
    if (offeredLink === null) {
      membersWhenOffered.current = null;
      return;
    }
    if (membersWhenOffered.current?.link !== offeredLink) {
      membersWhenOffered.current = { link: offeredLink, ids: new Set((listed ?? []).map((member) => member.id)) };
      return;
    }
    const known = membersWhenOffered.current.ids;
    const joined = (listed ?? []).find((member) => !known.has(member.id));
    if (joined === undefined) return;
    setDismissedLink(offeredLink);
    setJoinedWords(`${memberName(joined.name)} joined.`);
  }, [offeredLink, listed]);

  return (
    <section className="card members-card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1} className="card-title">
        {MEMBERS_CARD_TITLE}
      </h2>
      {view === null || view.heardAt === 0 ? null : members.length === 0 ? (
        <p className="muted">
          No members yet{view.oldLink ? ': phones on the old link show here once they move over to a key of their own' : ''}.
        </p>
      ) : (
        <ul aria-labelledby={headingId} className="members">
          {members.map((member) => {
            const name = memberName(member.name);
            const isThisPhone = member.id === ownId;
            return (
              <li key={member.id} className="member">
                <span className="member-name">
                  {name}
                  {isThisPhone ? ' (this phone)' : ''}
                </span>
                <button
                  type="button"
                  className="link-button member-remove"
                  onClick={(event) => ask({ kind: 'remove', id: member.id, name }, event.currentTarget)}
                >
                  Remove<span className="visually-hidden"> {name}</span>
                </button>
                <span className="member-detail">{heardWords(member.heard_s, view.heardAt, now)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <p role="status" className="muted small members-status">
        {waitingWords(view, isMember, offeredLink !== null) || joinedWords}
      </p>
      {view?.error == null ? null : (
        <p role="alert" className="banner banner-warn">
          {problemWords(view.error)}
        </p>
      )}
      {view?.oldLink === true ? (
        <div className="inline-prompt members-old-link">
          <p className="small">
            The old pairing link is still open. Phones paired before everyone had a key of their own still use it; each moves
            over to its own key the next time the app is opened on it. Close it once everyone has moved over, or now if
            someone who should not have it may still hold it: anyone not yet moved over will then need an invitation.
          </p>
          <button type="button" className="button" onClick={(event) => ask({ kind: 'close-old-link' }, event.currentTarget)}>
            Close the old link
          </button>
        </div>
      ) : null}
      {shownInvitation === null ? (
        <div className="actions members-actions">
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setInvited(true);
              setJoinedWords('');
              // The store keeps the last invitation until a new one comes: only the new one is this request's.
              setDismissedLink(invitation?.link ?? null);
              inviteMember();
            }}
          >
            Invite someone
          </button>
        </div>
      ) : (
        <InvitationOffer
          key={shownInvitation.link}
          link={shownInvitation.link}
          expiresAt={shownInvitation.expiresAt}
          thermostatName={thermostatName}
          focusOnShow={invited}
          onDone={() => {
            setDismissedLink(shownInvitation.link);
            heading.current?.focus();
          }}
        />
      )}
      {asking?.kind === 'remove' ? (
        <RemoveMemberDialog
          name={asking.name}
          isThisPhone={asking.id === ownId}
          oldLink={view?.oldLink === true}
          thermostatName={thermostatName}
          onRemove={() => removeMember(asking.id)}
          onClose={() => setAsking(null)}
        />
      ) : null}
      {asking?.kind === 'close-old-link' ? <CloseOldLinkDialog onCloseLink={closeOldLink} onClose={() => setAsking(null)} /> : null}
    </section>
  );
}
