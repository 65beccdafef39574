import { expect } from '@esm-bundle/chai';
import { mosquittoPub, mqttTab, roomTopic } from './mqtt-env.ts';
import { reloadTab, texts, uniqueName, waitFor } from './tabs.ts';

/**
 * One hostile message must never wedge the widget. A time of 1e20 once made every render throw
 * ("Invalid time value"): the next message never showed, and after a reload, nothing did.
 */
describe('hostile messages, end to end', () => {
  it('MQTT: a message stamped 1e20 shows, the next one too, and both survive a reload', async () => {
    const room = uniqueName('room');
    const tab = await mqttTab('mosquitto', 'Val', room);
    const before = Date.now();
    await mosquittoPub('mosquitto', roomTopic(room), [
      JSON.stringify({ id: 'm2', from: 'mallory', text: 'boom', ts: 1e20 }),
      JSON.stringify({ id: crypto.randomUUID(), from: 'Bea', text: 'after the bomb', ts: Date.now() }),
    ]);
    await waitFor(() => texts(tab.chat).includes('after the bomb'), 10_000, 'the message after the hostile one');
    expect(texts(tab.chat)).to.deep.equal(['boom', 'after the bomb']);
    // Its time is the time it arrived, not 1e20.
    const time = tab.chat.shadowRoot!.querySelector('[data-id="m2"] time')!.getAttribute('datetime')!;
    expect(Date.parse(time)).to.be.within(before - 1_000, Date.now() + 1_000);
    const again = await reloadTab(tab);
    await waitFor(() => texts(again.chat).length === 2, 10_000, 'history after the reload');
    expect(texts(again.chat)).to.deep.equal(['boom', 'after the bomb']);
    again.close();
  });
});
