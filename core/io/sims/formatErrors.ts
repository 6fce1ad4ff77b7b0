import { FormatError } from '../../model/errors.js';

/**
 * Turns whatever a decoder threw on a malformed file (RangeError from a DataView past the end,
 * TypeError inside a third-party decoder) into a FormatError naming the file, so callers see
 * one error type for every unreadable input. FormatErrors pass through unchanged.
 */
export function asFormatError(fileName: string, err: unknown, context: string, where: { offset?: number } = {}): FormatError {
  if (err instanceof FormatError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FormatError(fileName, `${context}: ${message}`, where);
}
