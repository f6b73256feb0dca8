import { useEffect, useRef, useState } from 'react';
import { StatusAndAlert } from '@/components/status-and-alert';

/**
 * QR codes for the pairing dialog: from the camera or from a photo. `BarcodeDetector` where the browser has one
 * (Chrome on Android and macOS, Safari 17+); otherwise jsQR, bundled with the app and loaded only when a code is first
 * decoded here: the app never fetches code from elsewhere, so this works offline.
 */

/** Far more than any phone photo; a bigger file is refused before it is read. */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;
/** Pixels on the longer side that jsQR is given: a code filling a tenth of a 12 MP photo is still 100 pixels wide. */
const MAX_DECODE_SIDE = 1600;
/** A camera frame held up to a code: a fraction of the pixels, decoded on the main thread four times a second. */
const MAX_CAMERA_DECODE_SIDE = 640;
/** Decoding a picture takes 4 bytes a pixel and more: a small file claiming more than this is refused before it is decoded. */
export const MAX_PHOTO_PIXELS = 50_000_000;
/** A pairing link is about 140 characters; a code holding much more is not one (and is never shown or parsed). */
export const MAX_SCANNED_LENGTH = 1024;
const CAMERA_FRAME_MS = 250;

/** The part of the Shape Detection API this uses; TypeScript's DOM types do not have it yet. */
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

let nativeDetector: Promise<BarcodeDetectorLike | null> | null = null;

/** The browser's own QR detector, or null where it has none (Firefox, desktop Chrome on Linux and Windows). */
function browserDetector(): Promise<BarcodeDetectorLike | null> {
  nativeDetector ??= (async () => {
    const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
    if (Detector === undefined) return null;
    try {
      return (await Detector.getSupportedFormats()).includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
    } catch {
      return null;
    }
  })();
  return nativeDetector;
}

type Inversion = 'attemptBoth' | 'dontInvert';

/** The text of the first QR code in these RGBA pixels, or null: jsQR, loaded on first use. */
export async function decodeQrPixels(pixels: Uint8ClampedArray, width: number, height: number, inversion: Inversion = 'attemptBoth'): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  // 'attemptBoth' also reads light-on-dark codes, as a phone in dark mode may show one.
  return jsQR(pixels, width, height, { inversionAttempts: inversion })?.data ?? null;
}

/** How jsQR is run: the longest side it is given, the canvas it draws on (the camera keeps one), whether it also tries light-on-dark. */
interface JsQrOptions {
  maxSide: number;
  canvas?: HTMLCanvasElement;
  inversion?: Inversion;
}

/** Draws `source` scaled down to fit `maxSide` and decodes it with jsQR. */
async function decodeWithJsQr(source: CanvasImageSource, width: number, height: number, options: JsQrOptions): Promise<string | null> {
  const scale = Math.min(1, options.maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = options.canvas ?? document.createElement('canvas');
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) return null;
  context.drawImage(source, 0, 0, w, h);
  return decodeQrPixels(context.getImageData(0, 0, w, h).data, w, h, options.inversion);
}

async function decodeSource(
  source: CanvasImageSource & ImageBitmapSource,
  width: number,
  height: number,
  options: JsQrOptions = { maxSide: MAX_DECODE_SIDE },
): Promise<string | null> {
  const detector = await browserDetector();
  if (detector !== null) {
    try {
      const [found] = await detector.detect(source);
      if (found !== undefined) return found.rawValue;
    } catch {
      // Some engines refuse some sources; jsQR below reads the same pixels.
    }
  }
  return decodeWithJsQr(source, width, height, options);
}

const u16 = (bytes: Uint8Array, at: number, little = false) => (little ? (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) : ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0));
const u24le = (bytes: Uint8Array, at: number) => u16(bytes, at, true) | ((bytes[at + 2] ?? 0) << 16);
const u32 = (bytes: Uint8Array, at: number) => u16(bytes, at) * 65_536 + u16(bytes, at + 2);
const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/**
 * The width and height a PNG, JPEG, GIF or WebP file says it has, read from its header without decoding it; null for
 * anything else or a header that does not read.
 */
export function pictureSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG' && ascii(bytes, 12, 4) === 'IHDR') {
    return { width: u32(bytes, 16), height: u32(bytes, 20) };
  }
  if (bytes.length >= 10 && ascii(bytes, 0, 3) === 'GIF') return { width: u16(bytes, 6, true), height: u16(bytes, 8, true) };
  if (bytes.length >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const chunk = ascii(bytes, 12, 4);
    if (chunk === 'VP8X') return { width: u24le(bytes, 24) + 1, height: u24le(bytes, 27) + 1 };
    if (chunk === 'VP8 ') return { width: u16(bytes, 26, true) & 0x3fff, height: u16(bytes, 28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = u16(bytes, 21, true) | (u16(bytes, 23, true) * 65_536);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    return null;
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1] ?? 0;
      // SOF0 to SOF15, but DHT (C4), JPG (C8) and DAC (CC), carry the frame's size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: u16(bytes, at + 7), height: u16(bytes, at + 5) };
      }
      at += 2 + u16(bytes, at + 2);
    }
  }
  return null;
}

/** A file's bytes; FileReader, which every engine (and jsdom) has. */
function readBytes(file: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (reader.result instanceof ArrayBuffer ? resolve(new Uint8Array(reader.result)) : reject(new Error('unreadable')));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsArrayBuffer(file);
  });
}

export type PhotoOutcome = { ok: true; text: string } | { ok: false; message: string };

/** What a QR code in a photo says; every file is someone else's: size, type and contents bounded. */
export async function decodeQrPhoto(file: File): Promise<PhotoOutcome> {
  if (file.size > MAX_PHOTO_BYTES) return { ok: false, message: 'This file is too big for a photo; choose a smaller one.' };
  if (!file.type.startsWith('image/')) return { ok: false, message: 'This file is not a picture; choose a photo or screenshot of the QR code.' };
  const size = pictureSize(await readBytes(file).catch(() => new Uint8Array()));
  if (size === null) return { ok: false, message: 'This picture could not be opened; choose a PNG, JPEG, GIF or WebP photo or screenshot.' };
  if (size.width * size.height > MAX_PHOTO_PIXELS) {
    return { ok: false, message: 'This picture has far too many pixels for a photo; choose a smaller one or a screenshot.' };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, message: 'This picture could not be opened; try a photo or screenshot in another format.' };
  }
  try {
    return foundText(await decodeSource(bitmap, bitmap.width, bitmap.height));
  } finally {
    bitmap.close();
  }
}

function foundText(text: string | null): PhotoOutcome {
  if (text === null) return { ok: false, message: 'No QR code found in this picture; try a sharper one, with the whole code in it.' };
  if (text.length > MAX_SCANNED_LENGTH) return { ok: false, message: 'This QR code holds far too much to be a pairing link.' };
  return { ok: true, text };
}

const cameraAvailable = () => typeof navigator.mediaDevices?.getUserMedia === 'function';

type CameraState = { kind: 'starting' } | { kind: 'scanning' } | { kind: 'failed'; message: string };

/**
 * The camera, looking for a QR code until it finds one (`onFound`) or the person stops it (`onStop`). The camera is
 * released whenever this leaves the page.
 */
function CameraScanner({ onFound, onStop }: { onFound: (text: string) => void; onStop: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>({ kind: 'starting' });
  const found = useRef(onFound);
  useEffect(() => {
    found.current = onFound;
  }, [onFound]);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const release = () => {
      stream?.getTracks().forEach((track) => track.stop());
      stream = null;
    };
    // One canvas for every frame, and light-on-dark codes tried on every other frame only: jsQR runs on the main thread.
    const canvas = document.createElement('canvas');
    let frame = 0;
    const look = async () => {
      const element = video.current;
      if (stopped || element === null) return;
      if (element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && element.videoWidth > 0) {
        frame += 1;
        const options: JsQrOptions = { maxSide: MAX_CAMERA_DECODE_SIDE, canvas, inversion: frame % 2 === 0 ? 'attemptBoth' : 'dontInvert' };
        const text = await decodeSource(element, element.videoWidth, element.videoHeight, options).catch(() => null);
        if (stopped) return;
        if (text !== null && text.length <= MAX_SCANNED_LENGTH) {
          found.current(text);
          return;
        }
      }
      timer = setTimeout(() => void look(), CAMERA_FRAME_MS);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = media;
        const element = video.current;
        if (element === null) return;
        element.srcObject = media;
        await element.play();
        setState({ kind: 'scanning' });
        void look();
      })
      .catch((error: unknown) => {
        // play() may fail after the camera was opened: it is let go at once, not when the dialog closes.
        release();
        if (video.current !== null) video.current.srcObject = null;
        if (stopped) return;
        const denied = error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
        setState({
          kind: 'failed',
          message: denied
            ? 'The camera was not allowed. Allow it for this app in the browser’s settings, or scan from a photo or paste the link.'
            : 'No camera could be opened. Scan from a photo or paste the link instead.',
        });
      });
    return () => {
      stopped = true;
      clearTimeout(timer);
      release();
    };
  }, []);

  return (
    <div className="qr-scanner">
      <video ref={video} className="qr-scanner-video" muted playsInline aria-label="Camera view for the QR code" hidden={state.kind === 'failed'} />
      <StatusAndAlert
        status={state.kind === 'starting' ? 'Opening the camera…' : state.kind === 'scanning' ? 'Point the camera at the invitation’s QR code.' : ''}
        alert={state.kind === 'failed' ? state.message : null}
      />
      <button type="button" className="button" onClick={onStop}>
        Stop scanning
      </button>
    </div>
  );
}

/**
 * "Scan a QR code" (the camera, where there is one) and "Scan from a photo" (a file: on a desktop, a screenshot). The
 * text found goes to `onText`; nothing of it enters the address bar or the browser's history.
 */
export function QrScanSection({
  onText,
  decodePhoto = decodeQrPhoto,
  withCamera = cameraAvailable(),
}: {
  onText: (text: string) => void;
  decodePhoto?: (file: File) => Promise<PhotoOutcome>;
  withCamera?: boolean;
}) {
  const [scanning, setScanning] = useState(false);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);

  const readPhoto = async (file: File | undefined) => {
    if (file === undefined) return;
    setPhotoError(null);
    setReading(true);
    const outcome = await decodePhoto(file).catch((): PhotoOutcome => ({ ok: false, message: 'This picture could not be read.' }));
    setReading(false);
    if (outcome.ok) onText(outcome.text);
    else setPhotoError(outcome.message);
  };

  return (
    <div className="qr-scan">
      {withCamera ? (
        scanning ? (
          <CameraScanner
            onFound={(text) => {
              setScanning(false);
              onText(text);
            }}
            onStop={() => setScanning(false)}
          />
        ) : (
          <button type="button" className="button" onClick={() => setScanning(true)}>
            Scan a QR code
          </button>
        )
      ) : null}
      <label className="field">
        <span>Scan from a photo</span>
        <input
          type="file"
          accept="image/*"
          onChange={(event) => {
            void readPhoto(event.target.files?.[0]);
            // The same file chosen again is read again.
            event.target.value = '';
          }}
        />
      </label>
      <StatusAndAlert status={reading ? 'Reading the picture…' : ''} alert={photoError} />
    </div>
  );
}
