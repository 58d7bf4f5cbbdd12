/**
 * The service's icon: a white ring on the console's teal (#00695c), as SVG for pages that link it
 * (`<link rel="icon" href="/favicon.svg">`: the console, the my-page demo, /docs) and as a 32×32
 * ICO at `/favicon.ico` for whatever asks there by habit (browsers, bookmarks, crawlers), which
 * otherwise read a 404 in every log. Drawn here, not kept as a binary file; the same bytes on
 * Node and Workers. Both are served with a long cache (`FAVICON_CACHE`).
 */

/** A year: the icon's URL never carries a version, and a stale icon harms no one. */
export const FAVICON_CACHE = "public, max-age=31536000";

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#00695c"/><circle cx="16" cy="16" r="8.5" fill="none" stroke="#fff" stroke-width="4"/></svg>';

const SIZE = 32;

/** The SVG's drawing as 32×32 BGRA pixels, top row first: a rounded square, a ring inside. */
function pixel(x: number, y: number): [number, number, number, number] {
  const cx = x + 0.5 - SIZE / 2;
  const cy = y + 0.5 - SIZE / 2;
  // Outside the rounded corners (radius 7): transparent.
  const ex = Math.max(Math.abs(cx) - (SIZE / 2 - 7), 0);
  const ey = Math.max(Math.abs(cy) - (SIZE / 2 - 7), 0);
  if (ex * ex + ey * ey > 49) return [0, 0, 0, 0];
  const r = Math.hypot(cx, cy);
  return r >= 6.5 && r <= 10.5 ? [255, 255, 255, 255] : [0x5c, 0x69, 0x00, 255];
}

/** An ICO holding one 32-bit BMP image (ICONDIR, ICONDIRENTRY, BITMAPINFOHEADER, pixels bottom-up, AND mask). */
function icoBytes(): Uint8Array<ArrayBuffer> {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1 bit a pixel, rows padded to 4 bytes: all 0 (the alpha channel decides)
  const image = 40 + pixels + mask;
  const out = new Uint8Array(6 + 16 + image);
  const v = new DataView(out.buffer);
  v.setUint16(2, 1, true); // type: icon
  v.setUint16(4, 1, true); // one image
  v.setUint8(6, SIZE);
  v.setUint8(7, SIZE);
  v.setUint16(10, 1, true); // planes
  v.setUint16(12, 32, true); // bits per pixel
  v.setUint32(14, image, true);
  v.setUint32(18, 22, true); // offset of the image
  v.setUint32(22, 40, true); // BITMAPINFOHEADER
  v.setInt32(26, SIZE, true);
  v.setInt32(30, SIZE * 2, true); // height counts the XOR and AND bitmaps
  v.setUint16(34, 1, true);
  v.setUint16(36, 32, true);
  v.setUint32(42, pixels + mask, true);
  let at = 22 + 40;
  for (let y = SIZE - 1; y >= 0; y--) {
    for (let x = 0; x < SIZE; x++) {
      out.set(pixel(x, y), at);
      at += 4;
    }
  }
  return out;
}

export const FAVICON_ICO = icoBytes();
