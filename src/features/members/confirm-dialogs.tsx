import type { ReactNode } from 'react';
import { Dialog } from '@/components/dialog';

/** A question with Cancel (first, so the safe choice comes first to the keyboard) and the one thing it confirms. */
function ConfirmDialog({
  title,
  confirmText,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  confirmText: string;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="form">
        {children}
        <div className="actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              onConfirm();
              onClose();
            }}
          >
            {confirmText}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** What removing a member does (docs/protocol.md "Members"), said before it is done: it cannot be undone. */
export function RemoveMemberDialog({
  name,
  isThisPhone,
  oldLink,
  thermostatName,
  onRemove,
  onClose,
}: {
  name: string;
  isThisPhone: boolean;
  oldLink: boolean;
  thermostatName: string;
  onRemove: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog title={`Remove ${name}?`} confirmText="Remove" onConfirm={onRemove} onClose={onClose}>
      <p>
        {isThisPhone ? `${name} is this phone: it` : name} will no longer be able to control or read {thermostatName}. The
        thermostat refuses its key from the moment it is removed; everyone else stays in.
        {isThisPhone ? ' Only a new invitation from another member lets this phone back in.' : ' To let them back in, invite them again.'}
      </p>
      {oldLink ? (
        <p>
          This also closes the old shared link for good: phones not yet moved over to a key of their own will need an
          invitation too.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}

/** Closing the old shared key (docs/protocol.md "The old shared key"): for good, so it is asked first. */
export function CloseOldLinkDialog({ onCloseLink, onClose }: { onCloseLink: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog title="Close the old link?" confirmText="Close the old link" onConfirm={onCloseLink} onClose={onClose}>
      <p>
        Phones that have not yet moved over to a key of their own will need an invitation, and anyone else who still holds the
        old pairing link is shut out. It cannot be opened again.
      </p>
    </ConfirmDialog>
  );
}
