import { MODES, type Mode } from '@protocol';
import { useCommands } from '@/lib/link/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState, selectPendingSettings } from '@/stores/selectors';
import type { Reach } from '@/stores/reach';
import { pendingWords, type ControlReach } from './use-reach';

const LABELS: Record<Mode, { name: string; hint: string }> = {
  auto: { name: 'Auto', hint: 'Geofence decides' },
  home: { name: 'Home', hint: 'Comfort temperature' },
  away: { name: 'Away', hint: 'Away temperature' },
};

export function ModeSelector({ control, reach }: { control: ControlReach; reach: Reach }) {
  const confirmed = useAppStore((s) => selectCurrentState(s)?.state.mode ?? null);
  const pending = useAppStore((s) => selectPendingSettings(s)?.mode);
  const { sendSettings } = useCommands();
  const shown = pending ?? confirmed;

  return (
    <section className="card" aria-labelledby="mode-heading">
      <h2 id="mode-heading" className="card-title">
        Mode
      </h2>
      <div role="radiogroup" aria-labelledby="mode-heading" aria-busy={pending !== undefined} className="segmented">
        {MODES.map((mode) => (
          <label key={mode} className="segment">
            <input
              type="radio"
              name="mode"
              value={mode}
              checked={shown === mode}
              disabled={control === 'off' || shown === null}
              onChange={() => sendSettings({ mode })}
            />
            <span className="segment-name">{LABELS[mode].name}</span>
            <span className="segment-hint" aria-hidden="true">
              {LABELS[mode].hint}
            </span>
          </label>
        ))}
      </div>
      <p className="target-note" aria-live="polite">
        {pending === undefined ? '' : pendingWords(reach)}
      </p>
    </section>
  );
}
