#!/usr/bin/env node
// `npm start`: builds the workbench, then opens it on the bundled sample study in Electron, or,
// where the Electron binary is missing (it downloads on first install, which needs internet),
// says so in one line and serves the same workbench to a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const study = process.argv[2] ?? join(root, 'samples', 'study');
const require = createRequire(import.meta.url);

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('strata: building the workbench failed (see above)');
  process.exit(1);
}

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path, or throws
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [root, study], { cwd: root, stdio: 'inherit' })
  : (console.error('strata: no Electron binary on this machine (run `node node_modules/electron/install.js` where there is internet); serving the workbench to a browser instead.'),
    spawn(process.execPath, [join(root, 'bin', 'strata.js'), 'serve', study], { cwd: root, stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
