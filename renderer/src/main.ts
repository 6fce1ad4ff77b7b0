import { connectApi } from './api.js';
import { h } from './dom.js';
import { renderStudyBrowser } from './views/studyBrowser.js';
import { renderProfilePanel } from './views/profileView.js';

const api = connectApi();
const app = document.getElementById('app')!;

function showError(err: unknown): void {
  app.append(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
}

async function start(): Promise<void> {
  const info = await api.startup({});
  const header = h('header', {}, h('h1', {}, 'Strata'), h('span', { class: 'study' }, info.studyPath ?? 'no study open'), h('span', { class: 'notes' }, `v${info.version} · ${info.mode} mode`));
  const body = h('main', {});
  app.replaceChildren(header, body);
  if (!info.studyPath) {
    body.append(h('p', {}, 'Open a study: start with `strata serve <study folder>` or use File → Open in the desktop app.'));
    return;
  }
  const study = await api.openStudy({ path: info.studyPath });
  body.append(renderStudyBrowser(study));
  const profileStates = study.states.filter((s) => s.files.some((f) => f.kind === 'sims-profile' && !f.error)).map((s) => s.state);
  if (profileStates.length) body.append(renderProfilePanel(profileStates, (state) => api.getProfile({ path: study.path, state })));
}

start().catch(showError);
