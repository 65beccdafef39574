import { expect } from '@esm-bundle/chai';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { env, openTab, type, uniqueName, waitFor, type Tab } from './tabs.ts';

/**
 * The `notifications` attribute with the browser's real permission: granted, the alerting tab
 * shows a system notification with the sender and the text; denied, the chat says why there will
 * be none. The permission is set as the visitor's answer would, through the DevTools protocol
 * (test/support/wtr-browser-conditions.ts), so this file runs in Chromium only.
 */
const permission = (state: 'granted' | 'denied') => executeServerCommand('notification-permission', { state });

describe('notifications', () => {
  before(() => setViewport({ width: 1300, height: 1000 }));
  after(() => setViewport({ width: 800, height: 600 }));
  const tabs: Tab[] = [];
  afterEach(() => tabs.splice(0).forEach((t) => t.close()));

  it('explains a refusal when the visitor opens the chat, instead of failing silently', async () => {
    await permission('denied');
    const { relayUrl } = await env();
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, attrs: { mode: 'launcher', notifications: '' } });
    tabs.push(bob);
    bob.chat.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!.click();
    const alert = await waitFor(() => bob.chat.shadowRoot!.querySelector('[role=alert]'), 5_000, 'the explanation');
    expect(alert.textContent).to.equal(
      "Notifications are blocked for this site. To hear of new messages while you're away, allow notifications in your browser's site settings.",
    );
  });

  it('shows one system notification, with the sender and the text as plain text, when permission is granted', async () => {
    await permission('granted');
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room, attrs: { mode: 'launcher', notifications: '' } });
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: relayUrl, room });
    tabs.push(bob, ann);
    await waitFor(() => bob.chat.session.joined && ann.chat.session.joined, 15_000, 'both joined');
    // Watch the real constructor: each notification the widget makes is recorded, then made.
    const win = bob.frame.contentWindow as Window & typeof globalThis;
    const shown: [string, string | undefined][] = [];
    win.Notification = class extends win.Notification {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push([title, options?.body]);
      }
    };
    expect(win.Notification.permission).to.equal('granted');
    await type(ann.chat, 'Hello <b>Bob</b>');
    await waitFor(() => shown.length === 1, 10_000, 'the notification');
    expect(shown).to.deep.equal([['Ann', 'Hello <b>Bob</b>']]);
  });
});
