import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Three builds: the Electron main process, the preload (CommonJS: a sandboxed preload cannot be
// an ES module) and the renderer, which is also what `strata serve` gives to a browser.
// STRATA_BUILD_OUT: another folder than out/ (inside the project: the main bundle finds the
// worker threads' bin/ two levels up), so a test can build the shell without racing `npm start`.
const OUT = process.env.STRATA_BUILD_OUT ?? 'out';

export default defineConfig({
  main: {
    build: {
      outDir: `${OUT}/main`,
      rollupOptions: { input: { index: resolve(__dirname, 'main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: `${OUT}/preload`,
      rollupOptions: {
        input: { preload: resolve(__dirname, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      outDir: resolve(__dirname, OUT, 'renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
