import { useEffect, useId, useRef, type ReactNode } from 'react';
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

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    openDialogs += 1;
    hideApp(true);
    return () => {
      openDialogs -= 1;
      if (openDialogs === 0) hideApp(false);
    };
  }, []);

  return createPortal(
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
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
