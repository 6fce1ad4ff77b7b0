import type { StrataProject, StudySummary } from '../../core/api/contract.js';
import { speciesName } from '../../core/model/ions.js';
import { analyteInUse } from './analyteChoice.js';
import { connectApi } from './api.js';
import { ESCAPE_CLOSES, h, installEscapeToClose } from './dom.js';
import { jobBar, runBackendJob } from './jobs.js';
import { exportBar } from './exportFigure.js';
import { defaultProjectPath, projectFromState } from './project.js';
import { keepSession, keptSession } from './session.js';
import { cancelledAnalysisText, defaultView, Store } from './store.js';
import type { AppState } from './store.js';
import { ionMapsView } from './views/ionMapsView.js';
import { liDashboard } from './views/liDashboard.js';
import { profileView } from './views/profileView.js';
import { semView } from './views/semView.js';
import { studyBrowser } from './views/studyBrowser.js';
import { countOf, roiText } from './views/view.js';
import type { View, ViewFactory } from './views/view.js';
import { xrdView } from './views/xrdView.js';
import { reportWarnings } from '../../core/model/report.js';
import type { Report } from '../../core/model/report.js';

/** A tab: its label is the study's to say where it names the analyte ("Na dashboard" for a Na⁺ analyte). */
const TABS: { id: string; label: string | ((study: StudySummary) => string); make: ViewFactory; lazy?: () => Promise<ViewFactory> }[] = [
  { id: 'study', label: 'Study', make: studyBrowser },
  { id: 'profile', label: 'Depth profiles', make: profileView },
  { id: 'maps', label: '2-D images', make: ionMapsView },
  // three.js is loaded only when the 3-D tab is first opened.
  { id: 'volume', label: '3-D', make: () => { throw new Error('lazy'); }, lazy: async () => (await import('./views/volumeView.js')).volumeView },
  { id: 'sem', label: 'SEM', make: semView },
  { id: 'xrd', label: 'XRD', make: xrdView },
  { id: 'li', label: (study) => `${speciesName(analyteInUse(study, null))} dashboard`, make: liDashboard },
];

/** A tab's label for the study shown. */
const tabLabel = (t: (typeof TABS)[number], study: StudySummary): string => (typeof t.label === 'string' ? t.label : t.label(study));

const api = connectApi();
const app = document.getElementById('app')!;
let version = '';
let mode: 'electron' | 'browser' = 'browser';
let allowedRoots: string[] = [];
let recent: string[] = [];

const status = h('span', { class: 'status', id: 'status', role: 'status' });
const studyLabel = h('span', { class: 'study', id: 'study-path' }, 'no study open');
// Shown once an analysis was cancelled: runs it again with the same settings.
const reanalyseBtn = h('button', { type: 'button', id: 'reanalyse', hidden: true }, 'Re-analyse');
reanalyseBtn.addEventListener('click', () => void store?.analyze());
const openForm = h('form', { class: 'inline-form', id: 'open-form', hidden: true });
const saveForm = h('form', { class: 'inline-form', id: 'save-form', hidden: true });
const message = h('div', { id: 'message', role: 'alert' });
// Nothing to save until a study is open (openStudy enables it).
const saveBtn = h('button', { type: 'button', id: 'save-project', disabled: true, title: 'Open a study first' }, 'Save project…');
const nav = h('nav', { class: 'tabs', role: 'tablist' });
const body = h('main', {});

let store: Store | null = null;
const views = new Map<string, View>();
let unsubscribe: (() => void) | null = null;

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  message.replaceChildren(text ? h('p', { class: kind === 'error' ? 'error' : 'notes' }, text) : '');
}

async function viewFor(tab: string): Promise<View> {
  const existing = views.get(tab);
  if (existing) return existing;
  const def = TABS.find((t) => t.id === tab) ?? TABS[0];
  const make = def.lazy ? await def.lazy() : def.make;
  const view = make(store!);
  views.set(def.id, view);
  return view;
}

let shownTab = '';
async function showTab(tab: string): Promise<void> {
  if (!store) return;
  for (const b of nav.querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  const view = await viewFor(tab);
  if (store.state.view.tab !== tab) return; // another tab was picked meanwhile
  // Every view that stands for a figure offers to export it (the same picture as `strata figure`).
  const figureOf = view.figure?.bind(view);
  body.replaceChildren(...(figureOf ? [exportBar(store, figureOf, say)] : []), view.el);
  shownTab = tab;
  view.shown?.();
}

function renderStatus(s: AppState): void {
  const warnings = s.report ? reportWarnings(s.report).length : 0;
  reanalyseBtn.hidden = !s.analysisCancelled;
  if (s.analysisCancelled) {
    status.textContent = cancelledAnalysisText(s.report !== null);
    status.title = '';
    return;
  }
  const text = s.analyzing ? 'Analysing…' : s.report ? `Report ready (${countOf(s.report.states.length, 'state')}${warnings ? `, ${countOf(warnings, 'warning')}` : ''})` : s.reportError ? 'No analysis' : '';
  // An ROI changes every number, whichever tab is open: the header says it is in force.
  status.textContent = text && s.overrides.roi ? `${text} · ${roiText(s.overrides.roi)}` : text;
  status.title = s.reportError ?? '';
}

/**
 * Opens a study (and, from a project, its saved overrides, view and annotations; else the ones
 * this tab kept for the study before a reload).
 */
async function openStudy(path: string, fromProject?: StrataProject): Promise<void> {
  say('');
  // Reading every file's metadata takes a moment: the header says so, or the page looks stuck.
  status.textContent = 'Opening study…';
  const summary = await api.openStudy({ path });
  for (const v of views.values()) v.dispose();
  views.clear();
  unsubscribe?.();
  const project = fromProject ?? keptSession(summary.path);
  const view = project ? { ...defaultView(summary), ...project.view } : defaultView(summary);
  // The analysis shows in the job bar, with its progress and Cancel.
  const analysisJob = (label: string, call: (jobId: string) => Promise<Report>, signal: AbortSignal): Promise<Report> => runBackendJob(api, label, call, signal);
  store = new Store(
    api,
    { study: summary, report: null, reportError: null, analyzing: false, analysisCancelled: false, reportVersion: 0, overrides: project?.overrides ?? {}, view, annotations: project?.annotations ?? [], focus: null },
    analysisJob,
  );
  studyLabel.textContent = `${summary.name} — ${summary.path}`;
  studyLabel.title = studyLabel.textContent;
  saveBtn.disabled = false;
  saveBtn.removeAttribute('title');
  document.title = `Strata — ${summary.name}`;
  nav.replaceChildren(
    ...TABS.map((t) => {
      const b = h('button', { type: 'button', role: 'tab', 'data-tab': t.id, id: `tab-${t.id}` }, tabLabel(t, store!.state.study));
      b.addEventListener('click', () => {
        say(''); // a message belongs to what was just done, not to the next view
        store!.setView('tab', t.id as never);
      });
      return b;
    }),
  );
  keepSession(store.state, version); // in place of another study's
  unsubscribe = store.on((s, changed) => {
    renderStatus(s);
    if (changed.has('overrides') || changed.has('view') || changed.has('annotations')) keepSession(s, version);
    if (changed.has('study')) {
      // Another layer stack or analyte chosen: each view was built for the old one's layers and
      // analyte, so all are made anew, and the tabs named for the analyte say the new one.
      for (const v of views.values()) v.dispose();
      views.clear();
      shownTab = '';
      for (const t of TABS) {
        const b = nav.querySelector(`#tab-${t.id}`);
        if (b) b.textContent = tabLabel(t, s.study);
      }
    }
    if (s.view.tab !== shownTab) {
      void showTab(s.view.tab);
      return;
    }
    views.get(s.view.tab)?.update(s, changed);
  });
  recent = [summary.path, ...recent.filter((r) => r !== summary.path)].slice(0, 10);
  renderRecent();
  await showTab(store.state.view.tab);
  void store.analyze();
}

async function openAny(path: string): Promise<void> {
  try {
    if (/\.strata\.json$/i.test(path)) {
      const opened = await api.openProject({ path });
      await openStudy(opened.studyPath, opened.project);
      say(`Opened project ${opened.path}.`);
    } else {
      await openStudy(path);
    }
  } catch (err) {
    // The study open before (if any) stays: the status goes back to what it says of it.
    if (store) renderStatus(store.state);
    else status.textContent = '';
    say((err as Error).message, 'error');
  }
}

const recentSelect = h('select', { id: 'recent', 'aria-label': 'Recent studies' });
function renderRecent(): void {
  recentSelect.replaceChildren(h('option', { value: '' }, recent.length ? 'Recent studies…' : 'no recent studies'), ...recent.map((r) => h('option', { value: r }, r)));
}
recentSelect.addEventListener('change', () => {
  if (recentSelect.value) void openAny(recentSelect.value);
});

function typedPathForm(form: HTMLFormElement, label: string, value: string, submit: (path: string) => Promise<void>): void {
  const input = h('input', { type: 'text', name: 'path', size: 70, value, 'aria-label': label, spellcheck: false });
  const cancel = h('button', { type: 'button', [ESCAPE_CLOSES]: true }, 'Cancel');
  cancel.addEventListener('click', () => (form.hidden = true));
  form.replaceChildren(h('label', {}, `${label} `, input), h('button', { type: 'submit' }, 'OK'), cancel, h('span', { class: 'notes' }, ` Browser mode: paths inside ${allowedRoots.join(', ') || 'the folder given to strata serve'} only.`));
  form.onsubmit = (e) => {
    e.preventDefault();
    form.hidden = true;
    void submit(input.value.trim());
  };
  form.hidden = false;
  input.focus();
}

async function onOpen(): Promise<void> {
  if (api.pickStudy) {
    const path = await api.pickStudy();
    if (path) await openAny(path);
    return;
  }
  typedPathForm(openForm, 'Study folder, study.json or project (.strata.json):', store?.state.study.path ?? allowedRoots[0] ?? '', openAny);
}

/** Saves the project to `path`; where a file is there, asks first (unless `replace`: a native dialog asked already). */
async function saveProjectTo(path: string, replace = false): Promise<void> {
  if (!store) return;
  try {
    const saved = await api.saveProject({ path, project: projectFromState(store.state, version), replace });
    if (saved.exists) {
      confirmReplace(saved.path);
      return;
    }
    say(`Saved project ${saved.path} (${saved.bytes} bytes).`);
    recent = [saved.path, ...recent.filter((r) => r !== saved.path)].slice(0, 10);
    renderRecent();
  } catch (err) {
    say((err as Error).message, 'error');
  }
}

/** The save form asks whether to replace the project already at `path`. */
function confirmReplace(path: string): void {
  const replace = h('button', { type: 'submit' }, 'Replace');
  const cancel = h('button', { type: 'button', [ESCAPE_CLOSES]: true }, 'Cancel');
  cancel.addEventListener('click', () => (saveForm.hidden = true));
  saveForm.replaceChildren(h('span', { class: 'confirm-replace' }, `${path} exists. Replace it? `), replace, cancel);
  saveForm.onsubmit = (e) => {
    e.preventDefault();
    saveForm.hidden = true;
    void saveProjectTo(path, true);
  };
  saveForm.hidden = false;
  replace.focus();
}

async function onSave(): Promise<void> {
  if (!store) return;
  const suggested = defaultProjectPath(store.state.study);
  if (api.pickProjectSave) {
    // The native dialog asked before a file was replaced.
    const path = await api.pickProjectSave(suggested);
    if (path) await saveProjectTo(path, true);
    return;
  }
  typedPathForm(saveForm, 'Save project as:', suggested, saveProjectTo);
}

/** Drag-and-drop: Electron learns the dropped path; a browser page cannot, and says so. */
function installDrop(): void {
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dropping');
  });
  window.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dropping');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    if (api.grantDropped) {
      void api.grantDropped(file).then((path) => (path ? openAny(path) : say(`${file.name}: not a study folder, study.json or project`, 'error')));
      return;
    }
    say(`A web page cannot learn where “${file.name}” lives on disk, so dropping does not open it in the browser mode. Use Open… and type its path (inside ${allowedRoots.join(', ') || 'the folder given to strata serve'}).`);
    void onOpen();
  });
}

async function start(): Promise<void> {
  const info = await api.startup({});
  version = info.version;
  mode = info.mode;
  allowedRoots = info.allowedRoots;
  recent = info.recent;
  const openBtn = h('button', { type: 'button', id: 'open-button' }, 'Open…');
  openBtn.addEventListener('click', () => void onOpen());
  saveBtn.addEventListener('click', () => void onSave());
  const header = h('header', {}, h('h1', {}, 'Strata'), studyLabel, openBtn, saveBtn, recentSelect, status, reanalyseBtn, h('span', { class: 'notes' }, `v${info.version} · ${mode} mode`));
  app.replaceChildren(header, openForm, saveForm, jobBar(), message, nav, body);
  renderRecent();
  installDrop();
  installEscapeToClose();
  if (info.studyPath) await openAny(info.studyPath);
  else body.append(h('p', { class: 'notes' }, mode === 'electron' ? 'Open a study folder with Open… or drop it here.' : 'Open a study with Open… (type its path), or start with `strata serve <study folder>`.'));
}

start().catch((err) => say((err as Error).message, 'error'));
