import { lazy, Suspense, type ReactNode } from 'react';
import { CardPlaceholder } from '@/components/card-placeholder';
import { afterFirstPaint } from '@/lib/after-first-paint';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { CommandError } from './command-error';
import { MembersList } from './members-list';
import { Readings } from './readings';
import { SensorFault } from './sensor-fault';
import { StorageFault } from './storage-fault';
import { controlReachOf, useReachOfShown } from './use-reach';

// Not on the first paint's path (it needs a STATE): its own chunk, behind a placeholder of its usual height so the
// controls below it do not jump when it arrives.
const OverridesCard = lazy(() => afterFirstPaint().then(() => import('./overrides-card')).then((m) => ({ default: m.OverridesCard })));
const OVERRIDES_CARD_HEIGHT = 106;
// Nothing the controls send can leave before the connection's chunk has loaded (deferred-commands.ts), so they wait
// for a chunk of their own, requested once the first screen has painted, without costing a moment: the first paint
// shows the readings sooner, on placeholders of the cards' height on a 412 px phone (measured).
const TargetControl = lazy(() => afterFirstPaint().then(() => import('./target-control')).then((m) => ({ default: m.TargetControl })));
const TARGET_CARD_HEIGHT = 154;
const ModeSelector = lazy(() => afterFirstPaint().then(() => import('./mode-selector')).then((m) => ({ default: m.ModeSelector })));
const MODE_CARD_HEIGHT = 164;

/** The everyday screen; `extra` is where the app places cards from other features (geofence, history). */
export function ThermostatScreen({ extra }: { extra?: ReactNode }) {
  const current = useAppStore(selectCurrentState);
  const selectedId = useAppStore((s) => s.selectedId);
  const reach = useReachOfShown();
  const state = current?.state ?? null;
  const control = controlReachOf(reach, state !== null);
  return (
    <div className="screen">
      {state !== null && !state.sensor_ok ? <SensorFault /> : null}
      {state?.error === 'storage' ? <StorageFault /> : null}
      <CommandError />
      <div className="columns">
        <div className="column">
          <Readings state={state} receivedAt={current?.receivedAt ?? null} reach={reach} thermostatId={selectedId} />
          {state === null ? null : (
            <Suspense fallback={<CardPlaceholder height={OVERRIDES_CARD_HEIGHT} />}>
              <OverridesCard control={control} reach={reach} />
            </Suspense>
          )}
          <Suspense fallback={<CardPlaceholder height={TARGET_CARD_HEIGHT} />}>
            <TargetControl control={control} reach={reach} awayTarget={state?.regime === 'away' ? state.setpoint : null} />
          </Suspense>
          <Suspense fallback={<CardPlaceholder height={MODE_CARD_HEIGHT} />}>
            <ModeSelector control={control} reach={reach} />
          </Suspense>
        </div>
        <div className="column">
          {extra}
          {current === null ? null : <MembersList members={current.state.members} receivedAt={current.receivedAt} />}
        </div>
      </div>
    </div>
  );
}
