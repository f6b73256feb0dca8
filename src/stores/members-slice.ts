import type { StateCreator } from 'zustand';
import type { ClientId } from '@protocol';
import type { AppState } from './app-store';

// Placeholders with the brief's shapes until protocol/messages.ts exports them (then imported from '@protocol').
export interface MemberEntry {
  id: string;
  name: string;
  heard_s: number | null;
}
export type MembersError = 'bad_message' | 'out_of_range' | 'unknown_member' | 'full' | 'storage';

/** What this app last learned of a thermostat's members (docs/protocol.md "Members"). */
export interface MembersView {
  members: MemberEntry[];
  /** The old shared key is open: phones not yet moved over still work (docs/protocol.md "The old shared key"). */
  oldLink: boolean;
  /** The invitation the last MEMBERS_set `invite` made, as a pairing link to pass on. */
  invitation: { link: string; expiresAt: number } | null;
  /** A MEMBERS_set is out and its MEMBERS has not come yet. */
  pending: boolean;
  error: MembersError | 'no_answer' | null;
  /** ms epoch when the MEMBERS came, to age its `heard_s`; 0 before any came. */
  heardAt: number;
}

/**
 * Where this app stands with a thermostat: `member` (its own key), `old_link` (still on the old shared key),
 * `joining` (a JOIN is out), `removed` (a member removed it), `invitation_refused` (its JOIN and START went
 * unanswered), `full` (8 members already).
 */
export type Membership = 'member' | 'old_link' | 'joining' | 'removed' | 'invitation_refused' | 'full';

export interface MembersSlice {
  membersOf: Record<ClientId, MembersView>;
  membershipOf: Record<ClientId, Membership>;
  setMembership: (thermostatId: ClientId, membership: Membership | null) => void;
}

export const createMembersSlice: StateCreator<AppState, [], [], MembersSlice> = (set) => ({
  membersOf: {},
  membershipOf: {},
  setMembership: (thermostatId, membership) =>
    set((current) => {
      const { [thermostatId]: _previous, ...others } = current.membershipOf;
      return { membershipOf: membership === null ? others : { ...others, [thermostatId]: membership } };
    }),
});
