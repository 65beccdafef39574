/**
 * The engine did not answer: its script did not load (a 404 under a wrong path, a blocked
 * cross-origin file, a CSP), the browser refused the worker, or it stayed silent past the
 * deadline. The message is for the visitor; `detail` is the technical cause, for the console
 * and the `parley-error` event. Not one of the engine's codes (worker/codes.ts): the engine
 * never ran, so only the tab can say it.
 */
export class EngineStartError extends Error {
  override name = 'ParleyError';
  readonly code = 'engine-start' as const;
  constructor(readonly detail: string) {
    super('The chat could not start. Check your connection, then try again.');
  }
}
