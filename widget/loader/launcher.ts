import type { LoaderConfig } from './config.ts';

/**
 * The launcher button and the panel that holds `<parley-chat mode="panel">`, in a shadow root of
 * their own so the page's styles cannot reach them. Styles go through a constructed stylesheet
 * and the DOM is built node by node: no inline `<style>`, no `innerHTML`, so a page with a strict
 * CSP and Trusted Types accepts it (docs/embedding.md, "Content-Security-Policy").
 */
const CSS = `
:host{all:initial}
button{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;
background:var(--parley-accent,#2563eb);color:#fff;box-shadow:0 2px 12px #0004;z-index:2147483000;display:grid;place-items:center}
button:focus-visible{outline:3px solid #000;outline-offset:2px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;font:600 12px/20px system-ui,sans-serif}
.panel{position:fixed;bottom:88px;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));z-index:2147483000;
box-shadow:0 4px 24px #0004;border-radius:var(--parley-radius,12px);overflow:hidden;background:#fff;--parley-height:100%}
.panel[hidden]{display:block;visibility:hidden}
parley-chat{display:block;height:100%}
parley-chat[hidden]{display:none}
.failed{padding:16px;font:15px/1.4 system-ui,sans-serif;color:#111}
.failed button{position:static;width:auto;height:auto;border-radius:6px;padding:6px 14px;margin-top:8px;box-shadow:none}
`;

export interface Launcher {
  host: HTMLElement;
  chat: HTMLElement;
  readonly isOpen: boolean;
  /**
   * Shows or hides the panel, as the chat opened or closed. Hidden, it stays laid out
   * (`visibility: hidden`, out of sight, reach and the accessibility tree): the chat inside draws
   * itself ready while the page is idle, and an open only shows it (docs/embedding.md).
   */
  show(open: boolean): void;
  setUnread(count: number): void;
  /** Shows `message` in the panel, in place of the chat, with a Retry button; `null` clears it. */
  showFailure(message: string | null, retry?: () => void): void;
  remove(): void;
}

const svg = (tag: string, attrs: Record<string, string>): SVGElement => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
};

export function mountLauncher(config: LoaderConfig, wake: () => void, toggle: () => void): Launcher {
  const host = document.createElement('div');
  host.setAttribute('data-parley', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];

  const button = document.createElement('button');
  button.setAttribute('aria-label', `Chat: ${config.heading}`);
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('part', 'launcher');
  const icon = svg('svg', { width: '28', height: '28', viewBox: '0 0 24 24', fill: 'currentColor', 'aria-hidden': 'true' });
  icon.append(svg('path', { d: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z' }));
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  button.append(icon, badge);

  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', config.heading);
  panel.id = 'parley-panel';
  button.setAttribute('aria-controls', panel.id);
  const side = config.position === 'left' ? 'left' : 'right';
  button.style.setProperty(side, '20px');
  panel.style.setProperty(side, '20px');

  const chat = document.createElement('parley-chat');
  // Attributes, not properties: the element is not defined yet, and Lit reads these on upgrade.
  const attrs: Record<string, string> = {
    // Opened and closed by this launcher; closed, it is drawn hidden, ready to show.
    mode: 'panel',
    protocol: config.protocol,
    server: config.server,
    room: config.room,
    user: config.user,
    name: config.name,
    heading: config.heading,
    engine: config.engine,
  };
  for (const [k, v] of Object.entries(attrs)) chat.setAttribute(k, v);
  panel.append(chat);
  root.append(panel, button);

  for (const type of ['pointerenter', 'focus', 'touchstart'] as const) button.addEventListener(type, wake, { once: true, passive: true });
  const launcher: Launcher = {
    host,
    chat,
    get isOpen() {
      return !panel.hidden;
    },
    show(open) {
      // Focus in the closing panel (its close button, Escape) goes back to the launcher.
      if (!open && root.activeElement && panel.contains(root.activeElement)) button.focus();
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) launcher.setUnread(0);
    },
    setUnread(count) {
      badge.hidden = count <= 0;
      badge.textContent = count > 99 ? '99+' : String(count);
      button.setAttribute('aria-label', count > 0 ? `Chat: ${config.heading}, ${count} unread` : `Chat: ${config.heading}`);
    },
    showFailure(message, retry) {
      failure.remove();
      chat.hidden = message !== null;
      if (message === null) return;
      failure.replaceChildren(message);
      const again = document.createElement('button');
      again.textContent = 'Retry';
      again.addEventListener('click', () => retry?.());
      failure.append(document.createElement('br'), again);
      panel.prepend(failure);
    },
    remove: () => host.remove(),
  };
  const failure = document.createElement('div');
  failure.className = 'failed';
  failure.setAttribute('role', 'alert');
  button.addEventListener('click', toggle);
  document.body.append(host);
  return launcher;
}
