/**
 * Long requests (a pass over every ion stack) keyed by what they ask for. Asking again for what
 * is already being fetched (a tab shown again while its maps load, a store update that redraws)
 * joins the request in flight instead of starting a second pass over the same data; asking for
 * something else starts its own. A request is forgotten once it settles: a failed or cancelled
 * one is never handed out again (the next ask starts anew), and the answers are the caller's to
 * keep. No DOM here: the job bar shows the one request, and its Cancel rejects every asker.
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** The answer to `key`: the request in flight for it, else the one `start` makes now. */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const joined = this.pending.get(key);
    if (joined) return joined;
    let request: Promise<T>;
    try {
      request = start();
    } catch (err) {
      return Promise.reject(err);
    }
    this.pending.set(key, request);
    // Only this request's own entry: a newer one under the key (started after it settled) stays.
    const forget = (): void => {
      if (this.pending.get(key) === request) this.pending.delete(key);
    };
    request.then(forget, forget);
    return request;
  }

  /** Whether a request for `key` is under way. */
  has(key: string): boolean {
    return this.pending.has(key);
  }
}
