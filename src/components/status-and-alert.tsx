/**
 * A live line for what is going on (`status`, read out politely; empty keeps the region in place so the first message
 * is announced) and, when something went wrong, an alert saying what.
 */
export function StatusAndAlert({ status, alert }: { status: string; alert: string | null }) {
  return (
    <>
      <p role="status" className="muted small">
        {status}
      </p>
      {alert === null ? null : (
        <p role="alert" className="banner banner-danger">
          {alert}
        </p>
      )}
    </>
  );
}
