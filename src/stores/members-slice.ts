import type { StateCreator } from 'zustand';
import { toBase64url, type ClientId, type MemberEntry, type MembersError, type MembersMessage } from '@protocol';
import type { Membership, MembersUnanswered } from '@/lib/link/link-status';
import type { AppState } from './app-store';
import { isPaired } from './paired';

export type { Membership };

/** Why the members shown may be out of date: the thermostat's MEMBERS error, no MEMBERS within 5 s, or this phone not joined yet. */
export type MembersFailure = MembersError | MembersUnanswered;

/** What this app last learned of a thermostat's members (docs/protocol.md "Members"). */
export interface MembersView {
  members: MemberEntry[];
  /** The old shared key is open: phones not yet moved over still work (docs/protocol.md "The old shared key"). */
  oldLink: boolean;
  /**
   * The invitation the latest MEMBERS_set `invite` made, as a pairing link to pass on; a MEMBERS that made none keeps
   * it (the thermostat says nothing of it), a new one replaces it. `expiresAt`: ms epoch, from `expires_s`.
   */
  invitation: { link: string; expiresAt: number } | null;
  /** A MEMBERS_set is out and its MEMBERS has not come yet. */
  pending: boolean;
  error: MembersFailure | null;
  /** ms epoch when the MEMBERS came, to age its `heard_s`; 0 before any came. */
  heardAt: number;
}

const NOTHING_HEARD: MembersView = { members: [], oldLink: false, invitation: null, pending: false, error: null, heardAt: 0 };

export interface MembersSlice {
  membersOf: Record<ClientId, MembersView>;
  membershipOf: Record<ClientId, Membership>;
  setMembership: (thermostatId: ClientId, membership: Membership | null) => void;
  /** A member key was agreed with the thermostat ("Joining"): the record holds it from now on, joined. */
  storeMemberKey: (thermostatId: ClientId, key: Uint8Array) => void;
  membersRequested: (thermostatId: ClientId) => void;
  /**
   * An accepted MEMBERS, arrived at `receivedAt`; `invitationLink` is the pairing link of the invitation it carries
   * (built by the caller from the app's URL), null when it carries none.
   */
  receiveMembers: (thermostatId: ClientId, members: MembersMessage, receivedAt: number, invitationLink: string | null) => void;
  membersFailed: (thermostatId: ClientId, error: MembersFailure) => void;
}

export const createMembersSlice: StateCreator<AppState, [], [], MembersSlice> = (set) => {
  const updateView = (thermostatId: ClientId, change: (view: MembersView) => Partial<MembersView>) =>
    set((current) => {
      if (!isPaired(current, thermostatId)) return {};
      const view = current.membersOf[thermostatId] ?? NOTHING_HEARD;
      return { membersOf: { ...current.membersOf, [thermostatId]: { ...view, ...change(view) } } };
    });
  return {
    membersOf: {},
    membershipOf: {},
    setMembership: (thermostatId, membership) =>
      set((current) => {
        if (!isPaired(current, thermostatId) || (current.membershipOf[thermostatId] ?? null) === membership) return {};
        const { [thermostatId]: _previous, ...others } = current.membershipOf;
        return { membershipOf: membership === null ? others : { ...others, [thermostatId]: membership } };
      }),
    storeMemberKey: (thermostatId, key) =>
      set((current) => ({
        thermostats: current.thermostats.map((t) => (t.id === thermostatId ? { ...t, key: toBase64url(key), joined: true } : t)),
      })),
    membersRequested: (thermostatId) => updateView(thermostatId, () => ({ pending: true, error: null })),
    receiveMembers: (thermostatId, members, receivedAt, invitationLink) =>
      updateView(thermostatId, (view) => ({
        members: members.members,
        oldLink: members.old_link,
        invitation:
          members.invitation === null || invitationLink === null
            ? view.invitation
            : { link: invitationLink, expiresAt: receivedAt + members.invitation.expires_s * 1000 },
        pending: false,
        error: members.error,
        heardAt: receivedAt,
      })),
    membersFailed: (thermostatId, error) => updateView(thermostatId, () => ({ pending: false, error })),
  };
};
