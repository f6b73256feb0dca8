import { lazy, Suspense, type ReactNode } from 'react';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { CommandError } from './command-error';
import { MembersList } from './members-list';
import { ModeSelector } from './mode-selector';
import { Readings } from './readings';
import { SensorFault } from './sensor-fault';
import { StorageFault } from './storage-fault';
import { TargetControl } from './target-control';
import { controlReachOf, useReachOfShown } from './use-reach';

// Not on the first paint's path (it needs a STATE): its own chunk, behind a placeholder of its usual height so the
// controls below it do not jump when it arrives.
const OverridesCard = lazy(() => import('./overrides-card').then((m) => ({ default: m.OverridesCard })));
const OVERRIDES_CARD_HEIGHT = 130;

/** The everyday screen; `extra` is where the app places cards from other features (geofence, history). */
export function ThermostatScreen({ ownId, extra }: { ownId: string | null; extra?: ReactNode }) {
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
            <Suspense fallback={<div className="card" style={{ minHeight: OVERRIDES_CARD_HEIGHT }} aria-hidden="true" />}>
              <OverridesCard control={control} reach={reach} />
            </Suspense>
          )}
          <TargetControl control={control} reach={reach} awayTarget={state?.regime === 'away' ? state.setpoint : null} />
          <ModeSelector control={control} reach={reach} />
        </div>
        <div className="column">
          {extra}
          {current === null ? null : <MembersList members={current.state.members} receivedAt={current.receivedAt} ownId={ownId} />}
        </div>
      </div>
    </div>
  );
}
