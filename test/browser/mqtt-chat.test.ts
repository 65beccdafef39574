import { expect } from '@esm-bundle/chai';
import { statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { BROKERS, mosquittoPub, mosquittoSub, mqttTab, roomTopic, waitForAsync } from './mqtt-env.ts';

for (const broker of BROKERS) {
  describe(`MQTT chat, ${broker}`, () => {
    it('lets two browsers chat', async () => {
      const room = uniqueName('room');
      const ann = await mqttTab(broker, 'Ann', room);
      const bob = await mqttTab(broker, 'Bob', room);
      const box = ann.chat.shadowRoot!.querySelector('textarea')!;
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'H', bubbles: true, composed: true }));
      await waitFor(() => bob.chat.shadowRoot!.querySelector('.typing')?.textContent === 'Ann is typing…', 10_000, 'Ann typing, at Bob');
      await type(ann.chat, 'Hello Bob <b>over MQTT</b>');
      await waitFor(() => texts(bob.chat).includes('Hello Bob <b>over MQTT</b>'), 10_000, 'the message at Bob');
      await waitFor(() => statuses(ann.chat).join() === 'sent', 10_000, 'the PUBACK');
      await type(bob.chat, 'Hi Ann');
      await waitFor(() => texts(ann.chat).includes('Hi Ann'), 10_000, 'the reply at Ann');
      expect(texts(ann.chat)).to.deep.equal(['Hello Bob <b>over MQTT</b>', 'Hi Ann']);
      expect(texts(bob.chat)).to.deep.equal(['Hello Bob <b>over MQTT</b>', 'Hi Ann']);
      expect(bob.chat.shadowRoot!.querySelector('.message .text b')).to.equal(null);
      // A broker has no history to page through: no "Show earlier messages" that does nothing.
      expect(ann.chat.shadowRoot!.querySelector('.older')).to.equal(null);
      ann.close();
      bob.close();
    });

    it('shows what mosquitto_pub publishes: Parley JSON, plain text and foreign JSON, and drops malformed payloads', async () => {
      const room = uniqueName('room');
      const cy = await mqttTab(broker, 'Cy', room);
      const topic = roomTopic(room);
      const id = crypto.randomUUID();
      // The widget logs engine errors to its console; the bad payload must be reported there.
      const warnings: string[] = [];
      const frameConsole = (cy.frame.contentWindow as Window & typeof globalThis).console;
      frameConsole.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      await mosquittoPub(broker, topic, [
        JSON.stringify({ id, from: 'Bot', text: 'from a bot', ts: Date.now(), attachments: [] }),
        'plain text from a sensor',
        '{"temperature":21}',
        '{"id":"x","text":42}',
        'after the bad one',
      ]);
      await waitFor(() => texts(cy.chat).includes('after the bad one'), 10_000, 'the last message');
      expect(texts(cy.chat)).to.deep.equal(['from a bot', 'plain text from a sensor', '{"temperature":21}', 'after the bad one']);
      expect(cy.chat.shadowRoot!.querySelector(`[data-id="${id}"] .from`)?.textContent).to.equal('Bot');
      await waitFor(() => warnings.some((w) => w.includes('bad-message') && w.includes('"text" must be a string')), 5_000, 'the bad-message report');
      // The subscription survived the bad payload: later messages still arrive.
      await mosquittoPub(broker, topic, ['still here']);
      await waitFor(() => texts(cy.chat).includes('still here'), 10_000, 'a message after the bad payload');
      cy.close();
    });

    it('delivers a message typed in the widget to mosquitto_sub', async () => {
      const room = uniqueName('room');
      const sub = await mosquittoSub(broker, roomTopic(room));
      try {
        const dee = await mqttTab(broker, 'Dee', room);
        await type(dee.chat, 'to a real peer');
        await waitFor(() => statuses(dee.chat).join() === 'sent', 10_000, 'the PUBACK');
        const received = await waitForAsync(() => sub.read(), (lines) => lines.length > 0, 10_000, 'mosquitto_sub to receive');
        const payload = JSON.parse(received[0]!) as Record<string, unknown>;
        expect(payload).to.include({ from: 'Dee', text: 'to a real peer' });
        expect(payload.id).to.be.a('string');
        expect(payload.ts).to.be.a('number');
        expect(payload.attachments).to.deep.equal([]);
        dee.close();
      } finally {
        await sub.stop();
      }
    });
  });
}
