import '../widget/index.ts';
import { engineClient } from '../widget/engine-client.ts';
import { DEMO_ACCEPT } from './file-types.ts';
import { healthPanel } from './health-panel.ts';

/** The demo page: a settings form that drives one <parley-chat>. Names persist per browser. */
const chat = document.querySelector('parley-chat')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

const ws = location.protocol === 'https:' ? 'wss' : 'ws';
const servers: Record<string, string> = {
  // `?relay=URL` points the JSON protocol elsewhere (tests put a breakable proxy in between).
  websocket: new URLSearchParams(location.search).get('relay') ?? `${ws}://${location.host}/relay`,
  mqtt: `${ws}://${location.host}/mqtt`,
  // The Prosody that `npm run demo:xmpp` starts (XMPP_PORT, default 5380); `?xmpp=URL` overrides.
  xmpp: new URLSearchParams(location.search).get('xmpp') ?? `ws://${location.hostname}:5380/xmpp-websocket`,
};

const params = new URLSearchParams(location.search);
field('user').value = params.get('user') ?? localStorage.getItem('parley-demo-user') ?? `Guest ${Math.floor(Math.random() * 900 + 100)}`;
field('room').value = params.get('room') ?? 'lobby';

/**
 * This browser's visitor id: the name is only what others see, so two visitors who type the
 * same name stay two people (docs/identity.md).
 */
function visitorId(): string {
  let id = localStorage.getItem('parley-visitor-id');
  if (!id) localStorage.setItem('parley-visitor-id', (id = `visitor-${crypto.randomUUID()}`));
  return id;
}

function apply(): void {
  const user = field('user').value.trim();
  const room = field('room').value.trim();
  if (!user || !room) return;
  localStorage.setItem('parley-demo-user', user);
  chat.protocol = field('protocol').value as typeof chat.protocol;
  chat.server = servers[chat.protocol] ?? '';
  chat.room = room;
  chat.user = visitorId();
  chat.name = user;
  if (chat.protocol !== 'xmpp') {
    // Relay and MQTT upload files to this server's POST /upload (docs/attachments.md), which
    // keeps only the kinds it can tell by their bytes.
    chat.setAttribute('upload-url', `${location.origin}/upload`);
    chat.setAttribute('accept', DEMO_ACCEPT);
  } else {
    // XMPP asks Prosody for XEP-0363 slots instead, and Prosody keeps files of any kind.
    chat.removeAttribute('upload-url');
    chat.removeAttribute('accept');
    // demo:xmpp's Prosody lets any name in: the name becomes a JID, the room a MUC room.
    const local = user.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
    chat.password = 'demo';
    chat.room = `${room.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}@conference.localhost?join`;
    chat.user = `${local}@localhost`;
  }
}

form.addEventListener('change', apply);
form.addEventListener('submit', (e) => (e.preventDefault(), apply()));
apply();

healthPanel(
  document.querySelector<HTMLElement>('#health')!,
  document.querySelectorAll<HTMLButtonElement>('[data-control]'),
  async () => (await engineClient(chat.engine)).api.health(),
);
