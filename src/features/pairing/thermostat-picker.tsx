import { useAppStore } from '@/stores/app-store';

/** Most households have one thermostat: then this is just its name; with several, a switcher. */
export function ThermostatPicker() {
  const thermostats = useAppStore((s) => s.thermostats);
  const selectedId = useAppStore((s) => s.selectedId);
  const selectThermostat = useAppStore((s) => s.selectThermostat);
  if (thermostats.length === 0) return null;
  if (thermostats.length === 1) return <h1 className="thermostat-name">{thermostats[0]?.name}</h1>;
  return (
    <>
      <h1 className="visually-hidden">Hearth</h1>
      <select
        className="picker"
        aria-label="Thermostat"
        value={selectedId ?? ''}
        onChange={(event) => selectThermostat(event.target.value)}
      >
        {thermostats.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </>
  );
}
