import { readConfig } from './config.ts';
import { mountLauncher, type Launcher } from './launcher.ts';

/**
 * The script-tag loader (dist/loader.js, an IIFE of a few kB): draws the launcher at once,
 * and loads the UI and the engine (parley.js, beside this file) only when the visitor reaches
 * for the launcher or the browser is idle. `window.Parley(...)` works before and after it
 * loads: calls made through the stub are queued and run here, in order. See docs/embedding.md.
 */

type Command = [name: string, ...args: unknown[]];
type Listener = (detail: unknown) => void;
interface ParleyStub {
  (...command: Command): unknown;
  q?: ArrayLike<unknown>[];
  loaded?: boolean;
}
interface ParleyModule {
  engineClient(name: string): Promise<{
    api: { open(config: object, room: string): Promise<{ conversation: string }>; send(conversation: string, text: string): Promise<unknown> };
  }>;
}
/** What the loader calls on `<parley-chat mode="panel">` once it is defined. */
interface ChatPanel {
  open(): void;
  close(): void;
}
interface Identity {
  id: string;
  name?: string;
  signature?: string;
}

const w = window as unknown as { Parley?: ParleyStub };
const script = document.currentScript as HTMLScriptElement | null;
// An async script in <head> may run before <body> exists; the stub keeps queueing until then.
if (script && !w.Parley?.loaded) {
  if (document.body) boot(script);
  else document.addEventListener('DOMContentLoaded', () => boot(script), { once: true });
}

function boot(script: HTMLScriptElement): void {
  const config = readConfig(script);
  const ACTIVE = `parley.active.${config.engine}`;
  let module: Promise<ParleyModule> | undefined;
  const load = (): Promise<ParleyModule> =>
    (module ??= (import(/* @vite-ignore */ `${config.base}parley.js`) as Promise<ParleyModule>).catch((e: unknown) => {
      // Not remembered, so Retry imports again. A 404, a CSP or a missing CORS header on the
      // widget's server all end here; the browser says which only on the console.
      module = undefined;
      const detail = `${config.base}parley.js did not load: ${e instanceof Error ? e.message : String(e)}`;
      const message = 'The chat could not start. Check your connection, then try again.';
      console.error(`[parley] ${detail}`);
      launcher.showFailure(message, () => (launcher.showFailure(null), wake()));
      emit('error', { code: 'engine-start', message, detail });
      throw e;
    }));
  const wake = () => void load().catch(() => undefined);
  const remember = () => {
    try {
      localStorage.setItem(ACTIVE, '1');
    } catch {
      // Without storage a returning visitor is simply treated as new.
    }
  };
  const launcher: Launcher = mountLauncher(config, wake, () => (launcher.isOpen ? close() : open()));
  const { chat } = launcher;
  const listeners = new Map<Listener, [string, EventListener]>();
  const emit = (type: string, detail: unknown) => chat.dispatchEvent(new CustomEvent(`parley-${type}`, { detail, bubbles: true, composed: true }));
  // Once parley.js has defined it, the element opens and closes itself and fires parley-open and
  // parley-close; until then the loader keeps its `open` attribute, which it reads on upgrade.
  const defined = () => (chat.matches(':defined') ? (chat as HTMLElement & ChatPanel) : undefined);
  const open = () => {
    wake();
    const element = defined();
    if (element) return element.open();
    if (launcher.isOpen) return;
    chat.setAttribute('open', '');
    emit('open', {});
  };
  const close = () => {
    const element = defined();
    if (element) return element.close();
    if (!launcher.isOpen) return;
    chat.removeAttribute('open');
    emit('close', {});
  };
  let unread = 0;
  // The panel follows the chat, whoever opened or closed it: the launcher, Parley('open'), or the
  // chat's own close button and Escape.
  chat.addEventListener('parley-open', () => {
    unread = 0;
    launcher.show(true);
    remember();
  });
  chat.addEventListener('parley-close', () => launcher.show(false));
  /** The element has said its count: from then on the badge shows only that. */
  let counted = false;
  chat.addEventListener('parley-message', (e) => {
    const message = (e as CustomEvent<{ message: { mine: boolean } }>).detail.message;
    if (!counted && !launcher.isOpen && !message.mine) launcher.setUnread(++unread);
  });
  // The element's own count, once it has one (it knows what arrived while no tab was open, and
  // what another tab has read). Counting its messages too would count some twice.
  chat.addEventListener('parley-unread', (e) => {
    const count = (e as CustomEvent<{ count?: unknown } | null>).detail?.count;
    if (typeof count !== 'number') return;
    counted = true;
    if (!launcher.isOpen) launcher.setUnread((unread = count));
  });

  let returning = false;
  try {
    returning = localStorage.getItem(ACTIVE) === '1';
  } catch {
    // As above.
  }
  const mode = returning && config.load === 'interaction' ? 'idle' : config.load;
  if (mode === 'eager') wake();
  else if (mode === 'idle') (window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 1)))(wake);

  let stopped = false;
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    open,
    close,
    identify: (who) => {
      const { id, name, signature } = (who ?? {}) as Identity;
      if (typeof id !== 'string' || !id) throw new TypeError('Parley("identify", { id, name, signature }): id must be a non-empty string.');
      config.user = id;
      chat.setAttribute('user', id);
      if (name) chat.setAttribute('name', (config.name = name));
      // A property, so the signature never sits in the DOM or a URL (docs/identity.md).
      Object.assign(chat, { signature });
    },
    on: (event, fn) => {
      if (typeof event !== 'string' || typeof fn !== 'function') throw new TypeError('Parley("on", event, fn): event is a name, fn a function.');
      const handler: EventListener = (e) => (fn as Listener)(event === 'message' ? (e as CustomEvent<{ message: unknown }>).detail.message : (e as CustomEvent).detail);
      listeners.set(fn as Listener, [`parley-${event}`, handler]);
      chat.addEventListener(`parley-${event}`, handler);
      return () => commands.off!(event, fn);
    },
    off: (_event, fn) => {
      const entry = listeners.get(fn as Listener);
      if (entry) chat.removeEventListener(...entry);
      listeners.delete(fn as Listener);
    },
    send: async (text) => {
      if (typeof text !== 'string' || !text.trim()) throw new TypeError('Parley("send", text): text must be a non-empty string.');
      remember();
      const client = await (await load()).engineClient(config.engine);
      const { protocol, server: url, user, room } = config;
      const { conversation } = await client.api.open({ protocol, url, user }, room);
      return client.api.send(conversation, text);
    },
    shutdown: () => {
      stopped = true;
      for (const entry of listeners.values()) chat.removeEventListener(...entry);
      listeners.clear();
      launcher.remove();
    },
  };

  const Parley: ParleyStub = (name, ...args) => {
    if (stopped) return undefined;
    const command = commands[name];
    if (!command) throw new TypeError(`Parley("${name}"): unknown command; see docs/embedding.md.`);
    return command(...args);
  };
  Parley.loaded = true;
  const queued = w.Parley?.q ?? [];
  w.Parley = Parley;
  // In the order they were made; one bad call is reported and does not stop the rest.
  for (const call of Array.from(queued)) {
    try {
      const result = Parley(...(Array.from(call) as Command));
      if (result instanceof Promise) result.catch((e: unknown) => console.error('[parley]', e));
    } catch (e) {
      console.error('[parley]', e);
    }
  }
}
