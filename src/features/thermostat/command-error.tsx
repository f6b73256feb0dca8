import type { CommandFailure } from '@/lib/link/link-status';
import { appStore, useAppStore } from '@/stores/app-store';
import { selectCommandError } from '@/stores/selectors';

const TEXT: Record<CommandFailure, string> = {
  'no-answer': 'The thermostat did not answer, so the change was not made. It will be tried again when you change it again.',
  'thermostat-offline': 'The thermostat is offline, so the change was not made.',
  'not-member': 'The thermostat does not take this phone, so the change was not made.',
  out_of_range: 'The thermostat refused the change: a value was out of its range, or a time it was given had already passed.',
  bad_message: 'The thermostat could not read the change.',
  no_clock: 'The thermostat refused the change: it does not know the time yet, and this device’s clock could not tell it. Check this device’s date and time.',
};

export function CommandError() {
  const error = useAppStore(selectCommandError);
  const thermostatId = useAppStore((s) => s.selectedId);
  const dismiss = () => {
    if (thermostatId !== null) appStore.getState().setCommandErrorOf(thermostatId, null);
  };
  if (error === null) return null;
  return (
    <div role="alert" className="banner banner-warn row-between">
      <span>{TEXT[error]}</span>
      <button type="button" className="link-button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
