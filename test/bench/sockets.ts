import type { Browser, Page } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { settled } from '../support/wait.ts';
import { benchContext, blankPage } from './page.ts';
import type { Row, Section } from './results.ts';

/**
 * Item 2: relay sockets open at the server with 1, 5 and 10 tabs of one profile, each showing
 * a connected <parley-chat>. Baseline: the same tabs, each opening its own WebSocket. Counted
 * once the server's count holds still for 1 s (a count, not a timing: one run suffices).
 */
export async function measureSockets(server: DemoServer, browser: Browser): Promise<Section> {
  const rows: Row[] = [];
  for (const tabs of [1, 5, 10]) {
    const parley = await count(server, browser, tabs, (page, i) =>
      page.evaluate(
        async ({ url, i, tabs }) => {
          await import('/parley.js' as string);
          const chat = document.createElement('parley-chat');
          Object.assign(chat, { protocol: 'websocket', server: url, room: `sockets-${tabs}`, user: 'visitor', engine: `sockets-${tabs}` });
          document.body.append(chat);
          void i;
          while (chat.shadowRoot?.querySelector('.state-text')?.textContent !== 'Connected') await new Promise((r) => setTimeout(r, 20));
        },
        { url: server.relayUrl, i, tabs },
      ),
    );
    const raw = await count(server, browser, tabs, (page) =>
      page.evaluate(async (url) => {
        const ws = new WebSocket(url);
        await new Promise((open) => (ws.onopen = open));
      }, server.relayUrl),
    );
    rows.push({ item: 2, name: `relay sockets with ${tabs} tab${tabs > 1 ? 's' : ''}`, unit: 'sockets', direction: 'lower', samples: [parley], baseline: { name: 'one raw WebSocket per tab', samples: [raw] } });
  }
  return { rows };
}

async function count(server: DemoServer, browser: Browser, tabs: number, open: (page: Page, i: number) => Promise<void>): Promise<number> {
  const before = await settled(() => server.stats().relayClients, 1_000);
  const context = await benchContext(browser, server.url);
  try {
    for (let i = 0; i < tabs; i++) await open(await blankPage(context, server.url), i);
    return (await settled(() => server.stats().relayClients, 1_000)) - before;
  } finally {
    await context.close();
  }
}
