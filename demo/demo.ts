import '../widget/index.ts';

/** The demo page: a settings form that drives one <parley-chat>. Names persist per browser. */
const chat = document.querySelector('parley-chat')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

const ws = location.protocol === 'https:' ? 'wss' : 'ws';
const servers: Record<string, string> = {
  websocket: `${ws}://${location.host}/relay`,
  mqtt: `${ws}://${location.host}/mqtt`,
};

const params = new URLSearchParams(location.search);
field('user').value = params.get('user') ?? localStorage.getItem('parley-demo-user') ?? `Guest ${Math.floor(Math.random() * 900 + 100)}`;
field('room').value = params.get('room') ?? 'lobby';

function apply(): void {
  const user = field('user').value.trim();
  const room = field('room').value.trim();
  if (!user || !room) return;
  localStorage.setItem('parley-demo-user', user);
  chat.protocol = field('protocol').value as typeof chat.protocol;
  chat.server = servers[chat.protocol] ?? '';
  chat.room = room;
  chat.user = user;
}

form.addEventListener('change', apply);
form.addEventListener('submit', (e) => (e.preventDefault(), apply()));
apply();
