/** Shown while the thermostat's STATEs say it could not store its settings (`"error":"storage"`). */
export function StorageFault() {
  return (
    <div role="alert" className="banner banner-warn">
      <strong>Settings not saved yet.</strong> The thermostat could not save the latest change to its memory and
      keeps trying. It works with the change meanwhile, but would forget it if it lost power before saving it.
    </div>
  );
}
