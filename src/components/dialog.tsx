import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

let openDialogs = 0;

/** While any dialog is open the app behind it is hidden from assistive technology and from the keyboard. */
function hideApp(hidden: boolean): void {
  const root = document.getElementById('root');
  if (root === null) return;
  root.inert = hidden;
  if (hidden) root.setAttribute('aria-hidden', 'true');
  else root.removeAttribute('aria-hidden');
}

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** What `showModal` does natively, for the engines (and jsdom) without it: an `autofocus` element, else the first control. */
function focusInto(dialog: HTMLDialogElement): void {
  if (dialog.contains(document.activeElement)) return;
  const target = dialog.querySelector<HTMLElement>('[autofocus]') ?? dialog.querySelector<HTMLElement>(FOCUSABLE) ?? dialog;
  if (target === dialog) dialog.tabIndex = -1;
  target.focus();
}

function tryFocus(element: Element | null): boolean {
  if (!(element instanceof HTMLElement) || element === document.body || !element.isConnected) return false;
  if (element.closest('[inert]') !== null) return false;
  element.focus();
  return document.activeElement === element;
}

/**
 * Focus goes back to what opened the dialog. When that is gone (the welcome screen's button after pairing, say), it goes
 * to the dialog still open beneath, or to the page's main heading, so a keyboard or screen reader user is not dropped at
 * the top of the document.
 */
function restoreFocus(opener: Element | null): void {
  const focused = document.activeElement;
  // Something already took focus on purpose while the dialog closed; leave it there.
  if (focused !== null && focused !== document.body && focused.isConnected) return;
  if (tryFocus(opener)) return;
  const dialogs = document.querySelectorAll<HTMLDialogElement>('dialog[open]');
  const beneath = dialogs[dialogs.length - 1];
  if (beneath !== undefined) {
    focusInto(beneath);
    return;
  }
  const heading = document.querySelector<HTMLElement>('#root h1') ?? document.querySelector<HTMLElement>('h1');
  if (heading === null) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Read while rendering the first time: by the time effects run, a child's autoFocus may already have moved focus.
  const [opener] = useState<Element | null>(() => document.activeElement);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    focusInto(dialog);
    openDialogs += 1;
    hideApp(true);
    return () => {
      openDialogs -= 1;
      if (openDialogs === 0) hideApp(false);
      restoreFocus(opener);
    };
  }, [opener]);

  return createPortal(
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        // Handled here rather than through `cancel` alone: Chromium lets a page refuse only one Escape per user
        // gesture and then closes the element behind React's back; a handled keydown never becomes a close request.
        if (event.key !== 'Escape' || event.defaultPrevented) return;
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // The browser may still close it (a back gesture it would not let the page refuse): follow it.
      onClose={onClose}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose}>
          <span aria-hidden="true">✕</span>
          <span className="visually-hidden">Close</span>
        </button>
      </div>
      {children}
    </dialog>,
    document.body,
  );
}
