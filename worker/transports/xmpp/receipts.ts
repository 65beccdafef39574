import { xml, type Element } from './lib.ts';
import { bare, resourceOf, roomFor, type Peer } from './address.ts';
import { echoOfOurs, NS, type Self } from './message.ts';

export interface ReceiptDeps {
  self: Self;
  send: (stanza: Element) => void;
  receipt: (id: string, status: 'delivered' | 'read') => void;
  typing: (room: string, from: string, typing: boolean) => void;
}

/** XEP-0085 states that mean "is typing"; the others (active, paused, inactive, gone) mean not. */
const COMPOSING = 'composing';
const STATES = ['active', 'composing', 'paused', 'inactive', 'gone'] as const;

/**
 * Delivery receipts (XEP-0184), chat markers (XEP-0333) and chat states (XEP-0085): the small
 * signals around a message that change a status or show "typing", never a message of their own.
 */
export function receipts({ self, send, receipt, typing }: ReceiptDeps) {
  /**
   * XEP-0184 §5.1: confirm delivery of a 1:1 message whose sender asked. (The XEP-0333
   * `displayed` marker goes out only once the visitor has seen it: `displayedStanza`.)
   */
  function acknowledge(stanza: Element): void {
    const id = stanza.attrs.id;
    if (!id || stanza.attrs.type === 'groupchat' || !stanza.getChild('body') || !stanza.attrs.from) return;
    if (bare(stanza.attrs.from) === bare(self.user)) return;
    const to = stanza.attrs.from;
    if (stanza.getChild('request', NS.receipts))
      send(xml('message', { to, type: 'chat', id: crypto.randomUUID() }, xml('received', { xmlns: NS.receipts, id })));
  }

  return {
    /** Reads the signals in a live message; returns true when it carries nothing else to show. */
    handle(stanza: Element): boolean {
      const received = stanza.getChild('received', NS.receipts);
      if (received?.attrs.id) receipt(received.attrs.id, 'delivered');
      const markerReceived = stanza.getChild('received', NS.markers);
      if (markerReceived?.attrs.id) receipt(markerReceived.attrs.id, 'delivered');
      const from = stanza.attrs.from ?? '';
      // Our own marker, echoed by a MUC room or copied from another device (XEP-0280), says
      // nothing of what a peer has read.
      const ours = stanza.attrs.type === 'groupchat' ? echoOfOurs(stanza, self) : bare(from) === bare(self.user);
      for (const name of ['displayed', 'acknowledged'])
        if (!ours && stanza.getChild(name, NS.markers)?.attrs.id) receipt(stanza.getChild(name, NS.markers)!.attrs.id!, 'read');
      const state = STATES.find((s) => stanza.getChild(s, NS.chatStates));
      if (state) {
        const muc = stanza.attrs.type === 'groupchat';
        const nick = resourceOf(from);
        // Our own state echoed by a MUC room is not news.
        if (!(muc && echoOfOurs(stanza, self)))
          typing(roomFor({ kind: muc ? 'muc' : 'chat', jid: bare(from) }), muc ? nick : bare(from), state === COMPOSING);
      }
      acknowledge(stanza);
      return stanza.getChild('body') === undefined;
    },

    acknowledge,

    /**
     * XEP-0333 §4: the visitor has seen the message `id` and everything before it. Parley's
     * messages carry their client id as origin-id and stanza id (message.ts), so that is the id
     * every Parley peer knows the message by.
     */
    displayedStanza(peer: Peer, id: string): Element {
      return xml(
        'message',
        { to: peer.jid, type: peer.kind === 'muc' ? 'groupchat' : 'chat', id: crypto.randomUUID() },
        xml('displayed', { xmlns: NS.markers, id }),
      );
    },

    /** XEP-0085 §5.1: composing while typing, paused when the visitor stops. Never archived. */
    typingStanza(peer: Peer, isTyping: boolean): Element {
      return xml(
        'message',
        { to: peer.jid, type: peer.kind === 'muc' ? 'groupchat' : 'chat', id: crypto.randomUUID() },
        xml(isTyping ? COMPOSING : 'paused', { xmlns: NS.chatStates }),
        xml('no-store', { xmlns: NS.hints }),
      );
    },
  };
}

export type Receipts = ReturnType<typeof receipts>;
