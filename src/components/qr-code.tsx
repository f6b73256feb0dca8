import { useMemo } from 'react';
import { encode } from 'uqr';

/** Modules of light margin around the code, as QR readers expect. */
const QUIET_ZONE = 4;

/** `text` as a QR code in inline SVG (the page's policy allows no data: images), named for screen readers by `label`. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => {
    // Level L keeps an 8-thermostat OwnTracks link (about 800 characters) at 105 modules, scannable off a phone's screen.
    const qr = encode(text, { ecc: 'L', border: QUIET_ZONE });
    let d = '';
    qr.data.forEach((row, y) => row.forEach((dark, x) => (d += dark ? `M${x} ${y}h1v1h-1z` : '')));
    return { size: qr.size, path: d };
  }, [text]);
  return (
    <svg role="img" aria-label={label} className="qr-code" viewBox={`0 0 ${size} ${size}`} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
