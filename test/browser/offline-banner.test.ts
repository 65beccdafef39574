import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { env, openTab, stateText, statuses, texts, type, uniqueName, waitFor, type Tab } from './tabs.ts';

/**
 * Issue 9's offline banner: when the browser loses the network, the engine's worker gets the
 * `offline` event and the widget says so, keeps what the visitor writes, and sends it when the
 * network is back. The network goes away, and the events come, through the DevTools protocol
 * (test/support/wtr-browser-conditions.ts), so this file runs in Chromium only.
 */
const network = (offline: boolean, engines: string[]) => executeServerCommand('network-offline', { offline, engines }) as Promise<unknown>;

describe('offline banner', () => {
  const tabs: Tab[] = [];
  /** The engines this test opened: network-offline reaches these and no other file's. */
  const engines: string[] = [];
  afterEach(async () => {
    if (engines.length) await network(false, engines.splice(0));
    tabs.splice(0).forEach((t) => t.close());
  });

  it('says "You are offline" while the network is gone, and sends what was written once it is back', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    engines.push(uniqueName('offline'), uniqueName('peer'));
    const ola = await openTab({ engine: engines[0]!, user: 'Ola', server: relayUrl, room });
    const pim = await openTab({ engine: engines[1]!, user: 'Pim', server: relayUrl, room });
    tabs.push(ola, pim);
    await waitFor(() => ola.chat.session.joined && pim.chat.session.joined, 15_000, 'both joined');

    await network(true, engines);
    await waitFor(() => stateText(ola.chat) === 'You are offline. Messages will be sent when you reconnect.', 10_000, 'the offline banner');
    expect(ola.chat.shadowRoot!.querySelector('.state-text')?.textContent, 'the header').to.equal('Offline');
    await type(ola.chat, 'written offline');
    expect(statuses(ola.chat)).to.deep.equal(['queued']);

    await network(false, engines);
    await waitFor(() => stateText(ola.chat) === 'Connected', 15_000, 'connected again');
    await waitFor(() => texts(pim.chat).includes('written offline'), 10_000, 'the message at Pim');
    await waitFor(() => statuses(ola.chat).join() === 'sent', 5_000, 'sent');
  });
});
