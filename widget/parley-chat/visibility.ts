import type { EngineClient } from '../engine-client.ts';

/** A widget's answer to "which conversation does the visitor see here now?", or undefined. */
export type Looking = () => string | undefined;

interface Reporter {
  widgets: Set<Looking>;
  queued: boolean;
}

const reporters = new Map<EngineClient, Reporter>();

/**
 * Tells the engine whether this tab is visible and which conversations its widgets show, so
 * that it alerts for a new message in one tab only and not while the visitor reads it
 * (worker/alerts.ts). One report per tab and engine, for all the widgets on the page.
 */
export function watchVisibility(client: EngineClient, looking: Looking): { changed(): void; stop(): void } {
  let reporter = reporters.get(client);
  if (!reporter) {
    const created: Reporter = { widgets: new Set(), queued: false };
    reporter = created;
    reporters.set(client, created);
    document.addEventListener('visibilitychange', () => report(client, created));
  }
  reporter.widgets.add(looking);
  const own = reporter;
  report(client, own);
  return {
    changed: () => report(client, own),
    stop: () => {
      own.widgets.delete(looking);
      report(client, own);
    },
  };
}

/** Coalesced: widgets that change together (a page that opens two) make one call. */
function report(client: EngineClient, reporter: Reporter): void {
  if (reporter.queued) return;
  reporter.queued = true;
  queueMicrotask(() => {
    reporter.queued = false;
    const visible = document.visibilityState === 'visible';
    const looking = visible ? [...reporter.widgets].flatMap((w) => w() ?? []) : [];
    // An engine that has gone away cannot alert anyway.
    void client.api.visibility(visible, looking).catch(() => undefined);
  });
}
