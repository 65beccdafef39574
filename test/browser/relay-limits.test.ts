import { expect } from '@esm-bundle/chai';
import type { ErrorInfo } from '../../worker/api.ts';
import { connected, env, FAST, openTab, statuses, texts, uniqueName, waitFor } from './tabs.ts';

describe('a relay that limits the message rate', () => {
  it('sends a burst over the limit slowly but whole: each message once, in order, and says why it is slow', async () => {
    const { limitedRelayUrl } = await env();
    const room = uniqueName('rate');
    const ann = await openTab({ engine: uniqueName('ann'), user: 'Ann', server: limitedRelayUrl, room, options: FAST });
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: limitedRelayUrl, room, options: FAST });
    await connected(ann.chat);
    await connected(bob.chat);
    const errors: ErrorInfo[] = [];
    ann.chat.addEventListener('parley-error', (e) => errors.push((e as CustomEvent<{ error: ErrorInfo }>).detail.error));
    const burst = Array.from({ length: 30 }, (_, i) => `quick ${i + 1}`);
    // Through the API, as fast as it takes them: typed one by one, a slow machine may stay
    // under the limit.
    await Promise.all(burst.map((text) => ann.chat.send(text)));
    // 5 at once, then 10 a second: about 2.5 s.
    await waitFor(() => texts(bob.chat).length === burst.length, 15_000, 'the burst at Bob');
    expect(texts(bob.chat)).to.deep.equal(burst);
    await waitFor(() => statuses(ann.chat).every((s) => s === 'sent'), 10_000, 'every message sent');
    expect(statuses(ann.chat)).to.have.length(burst.length);
    expect(errors.map((e) => e.code)).to.include('rate-limited');
    expect(errors.find((e) => e.code === 'rate-limited')?.message).to.match(/10 a second/);
    ann.close();
    bob.close();
  });
});
