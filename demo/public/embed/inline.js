// The server address is known only at run time; a site writes it in the attribute.
const chat = /** @type {HTMLElement & { server: string; user: string }} */ (document.querySelector('parley-chat'));
chat.server = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/relay`;
chat.user = localStorage.getItem('parley-demo-user') ?? `Guest ${Math.floor(Math.random() * 900 + 100)}`;
