// `node --import ./register.mjs out/main/index.js`: the built main process, with `electron`
// resolved to the fake beside this file (Electron itself cannot start on the test machines).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
