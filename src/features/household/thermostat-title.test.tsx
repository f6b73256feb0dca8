import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { ThermostatTitle } from './thermostat-title';

function renderTitle() {
  const thermostat = new TestThermostat();
  appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name: 'Living room' });
  render(<ThermostatTitle />);
  return userEvent.setup();
}

const nameOf = () => appStore.getState().thermostats[0]?.name;

describe('ThermostatTitle', () => {
  it('renames the thermostat with Enter, and gives the focus back to Rename', async () => {
    const user = renderTitle();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    const input = await screen.findByRole('textbox', { name: 'Thermostat name' });
    expect(input).toHaveFocus();
    expect(input).toHaveValue('Living room');
    await user.keyboard('  Lounge {Enter}');
    expect(nameOf()).toBe('Lounge');
    expect(screen.getByRole('heading', { level: 1, name: 'Lounge' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Rename Lounge' })).toHaveFocus();
  });

  it('leaves the name as it was on Escape or Cancel', async () => {
    const user = renderTitle();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    await screen.findByRole('textbox', { name: 'Thermostat name' });
    await user.keyboard('Lounge{Escape}');
    expect(nameOf()).toBe('Living room');
    expect(screen.getByRole('button', { name: 'Rename Living room' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    await screen.findByRole('textbox', { name: 'Thermostat name' });
    await user.keyboard('Lounge');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(nameOf()).toBe('Living room');
  });

  it('refuses a name holding a right-to-left override at the field', async () => {
    const user = renderTitle();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    await user.clear(await screen.findByRole('textbox', { name: 'Thermostat name' }));
    await user.paste('Hall\u202Eetad');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('textbox', { name: 'Thermostat name' })).toHaveAccessibleDescription(/invisible or control characters/);
    expect(nameOf()).toBe('Living room');
  });

  it('refuses an empty name at the field and keeps it open', async () => {
    const user = renderTitle();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    await user.clear(await screen.findByRole('textbox', { name: 'Thermostat name' }));
    await user.keyboard('   {Enter}');
    const input = screen.getByRole('textbox', { name: 'Thermostat name' });
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('A thermostat needs a name.');
    expect(input).toHaveFocus();
    expect(nameOf()).toBe('Living room');
  });
});

describe('ThermostatTitle: a name another thermostat has', () => {
  it('warns, without refusing, when the name is taken by another thermostat', async () => {
    const attic = new TestThermostat();
    appStore.getState().addThermostat({ id: attic.id, key: attic.keyText, name: 'Attic' });
    const user = renderTitle();
    await user.click(screen.getByRole('button', { name: 'Rename Living room' }));
    const input = await screen.findByRole('textbox', { name: 'Thermostat name' });
    expect(input).not.toHaveAccessibleDescription(/called/);
    await user.clear(input);
    await user.type(input, 'attic ');
    expect(input).toHaveAccessibleDescription(/Another thermostat here is called Attic already/);
    await user.keyboard('{Enter}');
    expect(appStore.getState().thermostats.map((t) => t.name)).toEqual(['Attic', 'attic']);
  });
});
