import type { ConnectionConfig, StateChange } from '../../worker/api.ts';
import { Engine } from '../../worker/engine.ts';
import { loadTransport } from '../../worker/transports/load.ts';
import { FakeTimers } from '../support/fake-timers.ts';
import { uniqueName, waitFor } from './tabs.ts';

/**
 * An engine in the test page (the same code as in the SharedWorker) with injected timers, so
 * that the test owns its clock, and the state changes it reports, each with the fake clock's
 * time when it was reported.
 */
export async function engineInPage(online: () => boolean = () => true, dbName = uniqueName('db')) {
  const timers = new FakeTimers();
  const tabId = uniqueName('tab');
  await new Promise<void>((held) =>
    navigator.locks.request(`parley-tab:${tabId}`, () => {
      held();
      return new Promise<never>(() => undefined);
    }),
  );
  const engine = new Engine({ dbName, load: loadTransport, timers, online });
  const states: StateChange[] = [];
  // The fake clock's time when each state was reported. The engine reports a state from inside
  // the timer that caused it, so this is when the engine acted, not when the test looked.
  const stamps = new Map<StateChange, number>();
  const clockAt = (s: StateChange) => stamps.get(s)!;
  /** Conversations the engine reported joined, in order, once per link. */
  const joined: string[] = [];
  engine.tabs.add(tabId, (e) => {
    if (e.type === 'joined') joined.push(e.conversation);
    if (e.type !== 'state') return;
    states.push(e.change);
    stamps.set(e.change, timers.now());
  });
  const last = () => states[states.length - 1];
  /**
   * The first state change to `to` after the first `after` ones. The clock is the test's, but the
   * relay and the proxy are real: on two loaded cores a connect can take seconds, hence 20 s. A
   * timeout names the states seen meanwhile, which tells a slow link from a wrong move.
   */
  const waitState = (to: StateChange['to'], after = states.length) =>
    waitFor(() => states.slice(after).find((s) => s.to === to), 20_000, `state ${to}`).catch((e: unknown) => {
      const seen = states.slice(after).map((s) => `${s.to} (${s.reason}, attempt ${s.attempt})`);
      throw new Error(`${e instanceof Error ? e.message : e}; seen meanwhile: ${seen.join(', ') || 'nothing'}`);
    });
  const open = (config: ConnectionConfig, room = uniqueName('room')) => engine.open(tabId, config, room);
  /** Resolves once the engine has reported `conversation` joined `times` times (once per link). */
  const waitJoined = (conversation: string, times = 1) =>
    waitFor(() => joined.filter((c) => c === conversation).length >= times, 10_000, `${conversation} joined`);
  return { engine, timers, states, last, waitState, open, clockAt, waitJoined };
}
