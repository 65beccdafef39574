import { expect } from '@esm-bundle/chai';
import 'axe-core/axe.min.js';
import '../../widget/index.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { env, stateText, texts, type, uniqueName, waitFor } from './tabs.ts';

declare const axe: typeof import('axe-core');

describe('accessibility', () => {
  it('has no axe violations in a conversation, and announces messages in a live log', async () => {
    const { relayUrl } = await env();
    const chat = document.createElement('parley-chat') as ParleyChat;
    Object.assign(chat, { engine: uniqueName('a11y'), server: relayUrl, room: uniqueName('room'), user: 'Ada' });
    document.body.append(chat);
    await waitFor(() => chat.shadowRoot && stateText(chat) === 'Connected', 10_000, 'Connected');
    await type(chat, 'Hello, accessible world');
    await waitFor(() => texts(chat).length === 1);
    const results = await axe.run(chat);
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
    const log = chat.shadowRoot!.querySelector('[role=log]')!;
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(chat.shadowRoot!.querySelector('textarea')!.getAttribute('aria-label')).to.equal('Message');
    chat.remove();
  });
});
