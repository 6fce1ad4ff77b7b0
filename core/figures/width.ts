/**
 * Journal column widths and the `--width` vocabulary (85mm, single, 114mm, onehalf, 180mm,
 * double). Pure, so the app's "Export figure" dialog and the CLI parse widths the same way.
 */
export const WIDTH_PRESETS_MM = { single: 85, onehalf: 114, double: 180 } as const;
export type WidthPreset = keyof typeof WIDTH_PRESETS_MM;

/** Widths a figure builder accepts, mm: narrower figures cannot keep text ≥ 6 pt legible. */
export const MIN_WIDTH_MM = 60;
export const MAX_WIDTH_MM = 250;

/**
 * `85mm`, `85`, `single`, `1col` … → mm. Throws RangeError with the accepted forms, so the CLI
 * can turn it into a usage error.
 */
export function parseWidthMm(value: string): number {
  const v = value.trim().toLowerCase();
  const aliases: Record<string, number> = {
    single: WIDTH_PRESETS_MM.single,
    '1col': WIDTH_PRESETS_MM.single,
    onehalf: WIDTH_PRESETS_MM.onehalf,
    '1.5col': WIDTH_PRESETS_MM.onehalf,
    double: WIDTH_PRESETS_MM.double,
    '2col': WIDTH_PRESETS_MM.double,
  };
  if (v in aliases) return aliases[v];
  const m = /^(\d+(?:\.\d+)?)\s*(mm)?$/.exec(v);
  const mm = m ? Number(m[1]) : NaN;
  if (!(mm >= MIN_WIDTH_MM && mm <= MAX_WIDTH_MM)) {
    throw new RangeError(`width '${value}': use 85mm|114mm|180mm, single|onehalf|double, or a width between ${MIN_WIDTH_MM} and ${MAX_WIDTH_MM} mm`);
  }
  return mm;
}
