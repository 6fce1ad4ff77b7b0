import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The figure font, DejaVu Sans, from the `dejavu-fonts-ttf` package: figures render the same
 * on every machine (no system-font lookup) and PDFs embed it.
 */
// Not named `require`: the Electron main bundle declares its own at the top, and a second
// declaration of it made the bundle fail to load (SyntaxError) before any window opened.
const resolvePackage = createRequire(import.meta.url).resolve;
const FONT_DIR = join(dirname(resolvePackage('dejavu-fonts-ttf/package.json')), 'ttf');

export const FIGURE_FONT_FAMILY = 'DejaVu Sans';

export const FIGURE_FONT_FILES = {
  regular: join(FONT_DIR, 'DejaVuSans.ttf'),
  bold: join(FONT_DIR, 'DejaVuSans-Bold.ttf'),
  italic: join(FONT_DIR, 'DejaVuSans-Oblique.ttf'),
};

let cached: { regular: Uint8Array; bold: Uint8Array; italic: Uint8Array } | null = null;

export function figureFontBytes(): { regular: Uint8Array; bold: Uint8Array; italic: Uint8Array } {
  cached ??= {
    regular: readFileSync(FIGURE_FONT_FILES.regular),
    bold: readFileSync(FIGURE_FONT_FILES.bold),
    italic: readFileSync(FIGURE_FONT_FILES.italic),
  };
  return cached;
}

/** The figure fonts in the shape the exporters take. */
export function figureFonts(): import('../figures/export.js').FigureFonts {
  return { family: FIGURE_FONT_FAMILY, files: FIGURE_FONT_FILES, bytes: figureFontBytes() };
}
