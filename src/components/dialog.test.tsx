import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialog } from './dialog';

/** A page whose button opens a dialog; with `openerGoesAway` the button is replaced while the dialog is open (pairing does that). */
function Page({ openerGoesAway = false }: { openerGoesAway?: boolean }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  return (
    <>
      <h1>Living room</h1>
      {done ? <p>Paired</p> : <button onClick={() => setOpen(true)}>Settings</button>}
      {open ? (
        <Dialog title="Settings" onClose={() => setOpen(false)}>
          <label>
            Your name <input />
          </label>
          <button
            onClick={() => {
              if (openerGoesAway) setDone(true);
              setOpen(false);
            }}
          >
            Save
          </button>
        </Dialog>
      ) : null}
    </>
  );
}

/** Renders where the app lives (#root), the element a dialog hides while open. */
function renderInRoot(ui: ReactElement) {
  const root = document.createElement('div');
  root.id = 'root';
  document.body.append(root);
  render(ui, { container: root });
}

afterEach(() => document.getElementById('root')?.remove());

describe('Dialog', () => {
  it('moves focus into the dialog when it opens', async () => {
    renderInRoot(<Page />);
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });

  it('closes on Escape and gives focus back to the button that opened it', async () => {
    renderInRoot(<Page />);
    const opener = screen.getByRole('button', { name: 'Settings' });
    await userEvent.click(opener);
    await userEvent.click(screen.getByRole('textbox', { name: 'Your name' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });

  it('gives focus back to the opener when closed with its Close button', async () => {
    renderInRoot(<Page />);
    const opener = screen.getByRole('button', { name: 'Settings' });
    await userEvent.click(opener);
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });

  it('puts focus on the main heading when what opened it is gone', async () => {
    renderInRoot(<Page openerGoesAway />);
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Living room' })).toHaveFocus();
  });

  it('closes only the inner of two dialogs on Escape, and focus returns into the outer one', async () => {
    function Nested() {
      const [confirming, setConfirming] = useState(false);
      const [open, setOpen] = useState(true);
      return open ? (
        <Dialog title="Household" onClose={() => setOpen(false)}>
          <button onClick={() => setConfirming(true)}>Remove Ana</button>
          {confirming ? (
            <Dialog title="Remove Ana?" onClose={() => setConfirming(false)}>
              <button onClick={() => setConfirming(false)}>Keep</button>
            </Dialog>
          ) : null}
        </Dialog>
      ) : null;
    }
    renderInRoot(<Nested />);
    const remove = screen.getByRole('button', { name: 'Remove Ana' });
    await userEvent.click(remove);
    expect(screen.getByRole('dialog', { name: 'Remove Ana?' })).toContainElement(document.activeElement as HTMLElement);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Remove Ana?' })).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Household' })).toBeInTheDocument();
    expect(remove).toHaveFocus();
  });
});
