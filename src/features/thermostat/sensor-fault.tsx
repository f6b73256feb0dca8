export function SensorFault() {
  return (
    <div role="alert" className="banner banner-danger">
      <strong>Sensor fault.</strong> The thermostat has no good temperature reading, so the heater is held off
      until the sensor works again.
    </div>
  );
}
