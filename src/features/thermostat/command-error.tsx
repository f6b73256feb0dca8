import type { CommandFailure } from '@/lib/connection/connection-status';
import { useAppStore } from '@/stores/app-store';

const TEXT: Record<CommandFailure, string> = {
  'no-answer': 'The thermostat did not answer, so the change was not made. It will be tried again when you change it again.',
  'thermostat-offline': 'The thermostat is offline, so the change was not made.',
  out_of_range: 'The thermostat refused the change: a value was out of its range.',
  bad_message: 'The thermostat could not read the change.',
};

export function CommandError() {
  const error = useAppStore((s) => s.commandError);
  const dismiss = useAppStore((s) => s.setCommandError);
  if (error === null) return null;
  return (
    <div role="alert" className="banner banner-warn row-between">
      <span>{TEXT[error]}</span>
      <button type="button" className="link-button" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}
