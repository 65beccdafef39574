import type { EngineEvent, EngineListener } from './api.ts';

/**
 * Wraps a tab's listener on the far side of a worker boundary (a comlink proxy, a
 * BroadcastChannel) so that the events of one task cross it as one `batch`: a burst of 500
 * stored messages, or the statuses of a drain pass, is one message to the tab instead of 500,
 * each with its own structured clone and comlink reply. Flushed on a microtask, so a lone
 * event is not delayed. The tab's engine client hands them to its listeners one by one
 * (widget/engine-client.ts), in order.
 */
export function batchEvents(listener: EngineListener): EngineListener {
  let queue: EngineEvent[] = [];
  const flush = () => {
    const events = queue;
    queue = [];
    // A tab that is closing may not answer; its lock tells the engine soon (worker/tabs.ts).
    Promise.resolve(listener(events.length === 1 ? events[0]! : { type: 'batch', events })).catch(() => undefined);
  };
  return (event) => {
    queue.push(event);
    if (queue.length === 1) queueMicrotask(flush);
  };
}
