import type { EngineHealth, LinkHealth } from '../worker/api.ts';

/**
 * The demo page's view of the engine's health (EngineApi.health(), worker/health.ts), in plain
 * words, with the buttons of demo/controls.ts that break the server on purpose, so a visitor
 * can watch the heartbeat, the backoff, the outbox and the recovery.
 */
const seconds = (ms: number | undefined) => (ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

function describe(link: LinkHealth): string[] {
  const last = link.changes.slice(-5).map((c) => `  ${new Date(c.at).toLocaleTimeString()}  ${c.from} → ${c.to} (${c.reason})`);
  return [
    `${link.protocol} ${link.url}`,
    `state: ${link.state} for ${seconds(link.inStateFor)}; dropped ${link.reconnects} times`,
    `heartbeat round trip: last ${seconds(link.rtt.last)}, median ${seconds(link.rtt.median)}`,
    `messages in ${link.messages.in} (${link.bytes.in} B), out ${link.messages.out} (${link.bytes.out} B)`,
    `outbox: ${link.outbox.depth} waiting${link.outbox.depth ? `, the oldest for ${seconds(link.outbox.oldestAge)}` : ''}`,
    'last changes:',
    ...last,
  ];
}

export function render(health: EngineHealth): string {
  const head = `${health.tabs} tab(s) share this engine (${health.mode ?? 'shared'})`;
  return [head, ...health.connections.flatMap((link) => ['', ...describe(link)])].join('\n');
}

/** Wires the buttons (`data-control="drop|freeze|pause"`) and refreshes `out` every second. */
export function healthPanel(out: HTMLElement, buttons: Iterable<HTMLButtonElement>, read: () => Promise<EngineHealth>): void {
  for (const button of buttons)
    button.addEventListener('click', async () => {
      const answer = await fetch(`/demo/control/${button.dataset.control}`, { method: 'POST' });
      button.setAttribute('aria-description', answer.ok ? 'done' : `failed: HTTP ${answer.status}`);
    });
  const refresh = () => read().then((h) => (out.textContent = render(h)), (e: unknown) => (out.textContent = `No health: ${e}`));
  void refresh();
  setInterval(refresh, 1000);
}
