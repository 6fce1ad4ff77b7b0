import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StudySummary } from '../../core/api/contract.js';
import { keepSession, keptSession } from '../../renderer/src/session.js';
import { defaultView } from '../../renderer/src/store.js';
import type { AppState } from '../../renderer/src/store.js';

/** sessionStorage as the browser's, in a Map. */
function fakeStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

function stateOf(path: string): AppState {
  const study: StudySummary = { path, name: 'cell A', origin: 'manifest', notes: [], stack: { id: 'x', name: 'x', analyteIon: 'Li-', layers: [] }, states: [{ state: 'pristine', files: [] }] };
  const view = { ...defaultView(study), tab: 'maps' };
  return { study, report: null, reportError: null, analyzing: false, analysisCancelled: false, reportVersion: 0, overrides: { roi: { x0: 1, y0: 2, x1: 30, y1: 40 }, interfacesS: { pristine: [10, 20] }, semPixelSizeNm: { pristine: 5 }, normalization: 'tic' }, view, annotations: [], focus: null };
}

describe('the working state kept across a reload (sessionStorage)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives the same study its overrides and view back; another study drops them', () => {
    vi.stubGlobal('sessionStorage', fakeStorage());
    const a = stateOf('/data/a');
    keepSession(a, '0.1.0');
    expect(keptSession('/data/a')).toMatchObject({ study: '/data/a', overrides: a.overrides, view: a.view });
    expect(keptSession('/data/b')).toBeUndefined();
    keepSession(stateOf('/data/b'), '0.1.0'); // b opened in this tab
    expect(keptSession('/data/a')).toBeUndefined();
    expect(keptSession('/data/b')?.study).toBe('/data/b');
  });

  it('keeps the SEM geometry chosen and the layer the 3-D view clips to', () => {
    vi.stubGlobal('sessionStorage', fakeStorage());
    const a = stateOf('/data/a');
    const s: AppState = { ...a, overrides: { ...a.overrides, semGeometry: { pristine: { section: 'fib-trench' }, charged: { tiltDeg: 12 } } }, view: { ...a.view, volume: { ...a.view.volume, clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cam' } } };
    keepSession(s, '0.1.0');
    const kept = keptSession('/data/a')!;
    expect(kept.overrides.semGeometry).toEqual({ pristine: { section: 'fib-trench' }, charged: { tiltDeg: 12 } });
    expect(kept.view.volume).toMatchObject({ clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cam' });
    // Chosen no more: nothing of it kept.
    keepSession({ ...s, view: { ...s.view, volume: { ...s.view.volume, clipLayer: undefined } } }, '0.1.0');
    expect(keptSession('/data/a')!.view.volume).not.toHaveProperty('clipLayer');
  });

  it('keeps the state the Li dashboard compares against', () => {
    vi.stubGlobal('sessionStorage', fakeStorage());
    const a = stateOf('/data/a');
    keepSession({ ...a, overrides: { ...a.overrides, referenceState: 'charged' } }, '0.1.0');
    expect(keptSession('/data/a')!.overrides).toEqual({ ...a.overrides, referenceState: 'charged' });
  });

  it('ignores a damaged entry, and works on without storage', () => {
    const storage = fakeStorage();
    vi.stubGlobal('sessionStorage', storage);
    storage.setItem('strata.session', '{"schema":"strata.project/1","study":"/data/a"');
    expect(keptSession('/data/a')).toBeUndefined();
    vi.stubGlobal('sessionStorage', undefined);
    expect(() => keepSession(stateOf('/data/a'), '0.1.0')).not.toThrow();
    expect(keptSession('/data/a')).toBeUndefined();
  });
});
