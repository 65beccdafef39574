/**
 * Worker constructors are Trusted Types sinks: on a page with
 * `require-trusted-types-for 'script'` they take only a TrustedScriptURL. These stand in for
 * the global constructors under the same names, so Vite still finds and rewrites
 * `new SharedWorker(new URL('…', import.meta.url))` (docs/platform.md, "Build"), and pass the
 * URL through the policy `parley`, which accepts only scripts of the widget's origin. A page whose
 * CSP lists `trusted-types` must name `parley` there (docs/embedding.md).
 */
interface TrustedTypePolicyLike {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): TrustedTypePolicyLike;
}

let policy: TrustedTypePolicyLike | undefined | null;

function scriptURL(url: URL | string): string | URL {
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt) return url;
  if (policy === undefined) {
    const origin = new URL(import.meta.url).origin;
    try {
      policy = tt.createPolicy('parley', {
        createScriptURL(candidate) {
          // Only files of the widget's own origin: a page's script cannot use this policy to
          // start a worker from anywhere else.
          const href = new URL(candidate, import.meta.url);
          if (href.origin !== origin) throw new TypeError(`Parley's Trusted Types policy refuses ${href.href}`);
          return href.href;
        },
      });
    } catch {
      // The page's `trusted-types` directive does not allow the name; the constructor below
      // then throws, and the client reports it (EngineStartError).
      policy = null;
    }
  }
  return policy ? (policy.createScriptURL(String(url)) as string) : url;
}

// Named as the globals, so that the code bundled from this still reads `new SharedWorker(new
// URL(…))`, the form an app's bundler recognises (vite.package.config.ts).
export const SharedWorker = function (url: URL | string, options?: WorkerOptions): globalThis.SharedWorker {
  return new globalThis.SharedWorker(scriptURL(url), options);
} as unknown as typeof globalThis.SharedWorker;

export const Worker = function (url: URL | string, options?: WorkerOptions): globalThis.Worker {
  return new globalThis.Worker(scriptURL(url), options);
} as unknown as typeof globalThis.Worker;
