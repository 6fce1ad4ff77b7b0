/// <reference lib="webworker" />
/**
 * Off the UI thread: turns Float32 maps into RGBA pixels through a colour table, and scales
 * volumes to 8-bit textures. Pure arithmetic on transferred buffers; reports progress.
 */
export type WorkerRequest =
  | { id: number; op: 'colourize'; values: Float32Array; lo: number; hi: number; log: boolean; lut: Uint8Array }
  | { id: number; op: 'volumeToU8'; values: Float32Array; lo: number; hi: number };

export type WorkerReply =
  | { id: number; op: 'progress'; done: number; total: number }
  | { id: number; op: 'done'; result: Uint8ClampedArray | Uint8Array }
  | { id: number; op: 'error'; message: string };

const ctx = self as unknown as DedicatedWorkerGlobalScope;

function scaler(lo: number, hi: number, log: boolean): (v: number) => number {
  if (log) {
    const l0 = Math.log10(Math.max(lo, 1e-3) + 1);
    const l1 = Math.log10(Math.max(hi, 1e-3) + 1);
    const span = l1 - l0 || 1;
    return (v) => (Math.log10(Math.max(v, 0) + 1) - l0) / span;
  }
  const span = hi - lo || 1;
  return (v) => (v - lo) / span;
}

ctx.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  try {
    const n = req.values.length;
    const chunk = 1 << 16;
    if (req.op === 'colourize') {
      const out = new Uint8ClampedArray(n * 4);
      const f = scaler(req.lo, req.hi, req.log);
      for (let k = 0; k < n; k++) {
        const t = Math.min(255, Math.max(0, Math.round(f(req.values[k]) * 255)));
        out[k * 4] = req.lut[t * 4];
        out[k * 4 + 1] = req.lut[t * 4 + 1];
        out[k * 4 + 2] = req.lut[t * 4 + 2];
        out[k * 4 + 3] = 255;
        if (k % chunk === 0) ctx.postMessage({ id: req.id, op: 'progress', done: k, total: n } satisfies WorkerReply);
      }
      ctx.postMessage({ id: req.id, op: 'done', result: out } satisfies WorkerReply, [out.buffer]);
    } else {
      const out = new Uint8Array(n);
      const f = scaler(req.lo, req.hi, false);
      for (let k = 0; k < n; k++) {
        out[k] = Math.min(255, Math.max(0, Math.round(f(req.values[k]) * 255)));
        if (k % chunk === 0) ctx.postMessage({ id: req.id, op: 'progress', done: k, total: n } satisfies WorkerReply);
      }
      ctx.postMessage({ id: req.id, op: 'done', result: out } satisfies WorkerReply, [out.buffer]);
    }
  } catch (err) {
    ctx.postMessage({ id: req.id, op: 'error', message: (err as Error).message } satisfies WorkerReply);
  }
};
