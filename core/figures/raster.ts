import { encode } from 'fast-png';

/** Base64 through `btoa`, present in browsers and Node alike, so this runs in both. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** RGBA pixels → a PNG data URI to embed in an SVG <image>. */
export function rgbaToPngDataUri(rgba: Uint8Array, width: number, height: number): string {
  const png = encode({ width, height, data: rgba, channels: 4, depth: 8 });
  return `data:image/png;base64,${bytesToBase64(png)}`;
}
