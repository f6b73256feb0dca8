/** Where a card that loads in its own chunk will stand, at its usual height, so nothing below it jumps when it comes. */
export function CardPlaceholder({ height }: { height: number }) {
  return <div className="card" style={{ minHeight: height }} aria-hidden="true" />;
}
