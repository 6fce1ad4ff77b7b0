import { h } from './dom.js';
import type { RendererApi } from './api.js';
import { CancelledError, JobGroup } from './jobGroup.js';

/**
 * Long work, shown in the job bar with its progress and a Cancel button. Backend jobs report
 * progress through `jobProgress` (polled) and stop on `cancelJob`; worker jobs report through
 * their own messages. A cancelled job rejects with a `CancelledError`.
 */
export { CancelledError };

let seq = 0;
const bar = h('div', { id: 'job-bar', role: 'status', 'aria-live': 'polite' });

export function jobBar(): HTMLElement {
  return bar;
}

interface Row {
  el: HTMLElement;
  progress: HTMLProgressElement;
}

function addRow(label: string, onCancel: () => void): Row {
  const progress = h('progress', { max: 1 }) as HTMLProgressElement;
  progress.removeAttribute('value'); // indeterminate until the first report
  const cancel = h('button', { type: 'button', class: 'cancel' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  const el = h('div', { class: 'job' }, h('span', {}, label), progress, cancel);
  bar.append(el);
  return { el, progress };
}

/** Runs a backend call that accepts a jobId, with progress and cancellation (the row's Cancel, or `signal`). */
export async function runBackendJob<T>(api: RendererApi, label: string, call: (jobId: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return (await runBackendJobs(api, label, [call], signal))[0];
}

/**
 * Runs backend calls that make one piece of work (e.g. one volume per state) as one job: one
 * row with their progress, and one Cancel that stops every call's backend job (JobGroup).
 */
export async function runBackendJobs<T>(api: RendererApi, label: string, calls: ((jobId: string) => Promise<T>)[], signal?: AbortSignal): Promise<T[]> {
  const group = new JobGroup<T>(api, calls.map(() => `job-${Date.now().toString(36)}-${++seq}`));
  let cancelled = false;
  let rejectCancel: (err: Error) => void = () => undefined;
  const cancelPromise = new Promise<never>((_, reject) => (rejectCancel = reject));
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    void group.cancel();
    rejectCancel(new CancelledError(`${label}: cancelled`));
  };
  const row = addRow(label, cancel);
  // `signal`: the caller's Cancel (newer work replacing this), as if the row's were pressed.
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const timer = window.setInterval(async () => {
    // Progress is a courtesy: a failed poll reads as none and must not fail the job.
    const p = await group.progress();
    if (p) {
      row.progress.max = p.total;
      row.progress.value = p.done;
    }
  }, 250);
  try {
    return await Promise.race([group.run(calls), cancelPromise]);
  } catch (err) {
    if (cancelled) throw new CancelledError(`${label}: cancelled`);
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
    window.clearInterval(timer);
    row.el.remove();
  }
}

/** Shows a row for work done elsewhere (a worker); returns setters for progress and the end. */
export function showJob(label: string, onCancel: () => void): { progress(done: number, total: number): void; end(): void } {
  const row = addRow(label, onCancel);
  return {
    progress(done, total) {
      row.progress.max = total;
      row.progress.value = done;
    },
    end() {
      row.el.remove();
    },
  };
}
