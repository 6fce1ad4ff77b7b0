/** The bytes of a typed array (its own span, not the whole buffer) as base64, for JSON payloads. */
export function viewToBase64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}
