import { vi } from 'vitest';
import type { ThermostatCommands } from '../commands-context';

/** ThermostatCommands that do nothing but record their calls, for components under test. */
export function fakeCommands() {
  return {
    sendSettings: vi.fn<ThermostatCommands['sendSettings']>(),
    sendSettingsTo: vi.fn<ThermostatCommands['sendSettingsTo']>(),
    sendPresence: vi.fn<ThermostatCommands['sendPresence']>(),
    forgetPresence: vi.fn(),
    retryNow: vi.fn(),
    requestMembers: vi.fn(),
    inviteMember: vi.fn(),
    removeMember: vi.fn<ThermostatCommands['removeMember']>(),
    closeOldLink: vi.fn(),
  } satisfies ThermostatCommands;
}
