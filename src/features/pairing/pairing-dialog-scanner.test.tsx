import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encode } from 'uqr';
import { decodeQrPhoto, decodeQrPixels, MAX_PHOTO_BYTES, pictureSize, QrScanSection, type PhotoOutcome } from './pairing-dialog-scanner';

const LINK = 'https://hearth.example/#pair=Q6iTIJWV4zn_64zH2sbXMa.heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs&name=Living%20room';

/** `text` as a QR code in RGBA pixels, `scale` pixels a module, as a screenshot of one would be. */
function qrPixels(text: string, scale = 4): { pixels: Uint8ClampedArray; side: number } {
  const qr = encode(text, { ecc: 'L', border: 4 });
  const side = qr.size * scale;
  const pixels = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dark = qr.data[Math.floor(y / scale)]?.[Math.floor(x / scale)] === true;
      pixels.set(dark ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * side + x) * 4);
    }
  }
  return { pixels, side };
}

describe('decoding without BarcodeDetector (jsQR, loaded when first needed)', () => {
  it('reads a pairing link from the pixels of its QR code', async () => {
    const { pixels, side } = qrPixels(LINK);
    await expect(decodeQrPixels(pixels, side, side)).resolves.toBe(LINK);
  });

  it('finds nothing in a picture without a code', async () => {
    await expect(decodeQrPixels(new Uint8ClampedArray(64 * 64 * 4).fill(255), 64, 64)).resolves.toBeNull();
  });
});

describe('decodeQrPhoto refuses before reading', () => {
  it('a file too big for a photo', async () => {
    const file = new File(['x'], 'huge.png', { type: 'image/png' });
    Object.defineProperty(file, 'size', { value: MAX_PHOTO_BYTES + 1 });
    await expect(decodeQrPhoto(file)).resolves.toEqual({ ok: false, message: expect.stringContaining('too big') as unknown });
  });

  it('a file that is not a picture', async () => {
    await expect(decodeQrPhoto(new File(['hello'], 'notes.txt', { type: 'text/plain' }))).resolves.toEqual({
      ok: false,
      message: expect.stringContaining('not a picture') as unknown,
    });
  });
});

/** The first bytes of a PNG that says it is `width` × `height`. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

describe('a picture’s size, read before it is decoded', () => {
  it('reads PNG, JPEG and GIF headers', () => {
    expect(pictureSize(pngHeader(640, 480))).toEqual({ width: 640, height: 480 });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 3, 0, 0]);
    expect(pictureSize(jpeg)).toEqual({ width: 640, height: 480 });
    expect(pictureSize(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x80, 0x02, 0xe0, 0x01]))).toEqual({ width: 640, height: 480 });
    expect(pictureSize(new TextEncoder().encode('not a picture at all'))).toBeNull();
  });

  it('refuses a small file that claims a huge picture, without decoding it', async () => {
    const decode = vi.fn();
    vi.stubGlobal('createImageBitmap', decode);
    try {
      const bomb = new File([pngHeader(30_000, 30_000).slice().buffer], 'bomb.png', { type: 'image/png' });
      await expect(decodeQrPhoto(bomb)).resolves.toEqual({ ok: false, message: expect.stringContaining('far too many pixels') as unknown });
      expect(decode).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('QrScanSection', () => {
  const photo = () => new File(['png'], 'code.png', { type: 'image/png' });

  it('hands over the text of a photo’s code', async () => {
    const onText = vi.fn();
    const decodePhoto = vi.fn((): Promise<PhotoOutcome> => Promise.resolve({ ok: true, text: LINK }));
    render(<QrScanSection onText={onText} decodePhoto={decodePhoto} withCamera={false} />);
    await userEvent.upload(screen.getByLabelText('Scan from a photo'), photo());
    expect(onText).toHaveBeenCalledWith(LINK);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says why a photo gave nothing', async () => {
    const onText = vi.fn();
    const decodePhoto = (): Promise<PhotoOutcome> => Promise.resolve({ ok: false, message: 'No QR code found in this picture.' });
    render(<QrScanSection onText={onText} decodePhoto={decodePhoto} withCamera={false} />);
    await userEvent.upload(screen.getByLabelText('Scan from a photo'), photo());
    expect(await screen.findByRole('alert')).toHaveTextContent('No QR code found in this picture.');
    expect(onText).not.toHaveBeenCalled();
  });

  describe('the camera', () => {
    const realMediaDevices = Object.getOwnPropertyDescriptor(navigator, 'mediaDevices');
    afterEach(() => {
      vi.restoreAllMocks();
      if (realMediaDevices === undefined) Reflect.deleteProperty(navigator, 'mediaDevices');
      else Object.defineProperty(navigator, 'mediaDevices', realMediaDevices);
    });
    const withCamera = (getUserMedia: () => Promise<MediaStream>) =>
      Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });

    it('says plainly when the camera is not allowed, and offers the other ways', async () => {
      withCamera(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
      render(<QrScanSection onText={() => undefined} withCamera />);
      await userEvent.click(screen.getByRole('button', { name: 'Scan a QR code' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('The camera was not allowed');
      await userEvent.click(screen.getByRole('button', { name: 'Stop scanning' }));
      expect(screen.getByRole('button', { name: 'Scan a QR code' })).toBeInTheDocument();
    });

    it('releases the camera when the person stops scanning', async () => {
      const stop = vi.fn();
      const stream = { getTracks: () => [{ stop }] } as unknown as MediaStream;
      const getUserMedia = vi.fn(() => Promise.resolve(stream));
      withCamera(getUserMedia);
      vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
      render(<QrScanSection onText={() => undefined} withCamera />);
      await userEvent.click(screen.getByRole('button', { name: 'Scan a QR code' }));
      expect(await screen.findByText('Point the camera at the invitation’s QR code.')).toBeInTheDocument();
      expect(screen.getByLabelText('Camera view for the QR code')).toBeInTheDocument();
      expect(stop).not.toHaveBeenCalled();
      await userEvent.click(screen.getByRole('button', { name: 'Stop scanning' }));
      expect(stop).toHaveBeenCalledTimes(1);
      expect(screen.queryByLabelText('Camera view for the QR code')).toBeNull();
    });

    const openedCamera = () => {
      const stop = vi.fn();
      const stream = { getTracks: () => [{ stop }] } as unknown as MediaStream;
      withCamera(() => Promise.resolve(stream));
      return stop;
    };

    it('releases the camera at once when the video will not play', async () => {
      const stop = openedCamera();
      vi.spyOn(HTMLMediaElement.prototype, 'play').mockRejectedValue(new DOMException('no', 'NotAllowedError'));
      render(<QrScanSection onText={() => undefined} withCamera />);
      await userEvent.click(screen.getByRole('button', { name: 'Scan a QR code' }));
      expect(await screen.findByRole('alert')).toBeInTheDocument();
      expect(stop).toHaveBeenCalledTimes(1);
    });

    it('releases the camera when the dialog closes', async () => {
      const stop = openedCamera();
      vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
      const { unmount } = render(<QrScanSection onText={() => undefined} withCamera />);
      await userEvent.click(screen.getByRole('button', { name: 'Scan a QR code' }));
      expect(await screen.findByText('Point the camera at the invitation’s QR code.')).toBeInTheDocument();
      unmount();
      expect(stop).toHaveBeenCalledTimes(1);
    });

    it('releases the camera once it has found a code', async () => {
      const stop = openedCamera();
      vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
      vi.spyOn(HTMLMediaElement.prototype, 'readyState', 'get').mockReturnValue(HTMLMediaElement.HAVE_ENOUGH_DATA);
      vi.spyOn(HTMLVideoElement.prototype, 'videoWidth', 'get').mockReturnValue(640);
      vi.spyOn(HTMLVideoElement.prototype, 'videoHeight', 'get').mockReturnValue(480);
      class FakeDetector {
        static getSupportedFormats = () => Promise.resolve(['qr_code']);
        detect = () => Promise.resolve([{ rawValue: LINK }]);
      }
      vi.stubGlobal('BarcodeDetector', FakeDetector);
      const onText = vi.fn();
      try {
        render(<QrScanSection onText={onText} withCamera />);
        await userEvent.click(screen.getByRole('button', { name: 'Scan a QR code' }));
        expect(await screen.findByRole('button', { name: 'Scan a QR code' })).toBeInTheDocument();
        expect(onText).toHaveBeenCalledWith(LINK);
        expect(stop).toHaveBeenCalledTimes(1);
      } finally {
        vi.unstubAllGlobals();
      }
    });
  });
});
