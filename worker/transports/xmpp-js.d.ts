/**
 * The part of xmpp.js (@xmpp/client 0.14, which ships no types) that the XMPP transport uses.
 * Elements are ltx elements; see xmppjs/xmpp.js packages/xml.
 */
declare module '@xmpp/client' {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (Element | string)[];
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    append(...children: Element[]): Element;
    toString(): string;
  }
  type Child = Element | string | undefined | null | false;
  export function xml(name: string, attrs?: Record<string, string | number | undefined>, ...children: (Child | Child[])[]): Element;

  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
  }
  export function jid(address: string): JID;

  interface Emitter<E extends Record<string, (...args: never[]) => void>> {
    on<K extends keyof E>(event: K, listener: E[K]): this;
    removeAllListeners(event?: string): this;
  }

  /** XEP-0198 state; packages/stream-management/index.js. */
  export interface StreamManagement
    extends Emitter<{ ack: (stanza: Element) => void; fail: (stanza: Element) => void; resumed: () => void }> {
    enabled: boolean;
    id: string;
    inbound: number;
    outbound: number;
    outbound_q: { stanza: Element; stamp: string }[];
    /** ms; 0 disables xmpp.js's own dead-link disconnect. */
    timeout: number;
    /** ms; 0 disables the periodic `<r/>`. */
    requestAckInterval: number;
    /** ms between the last outbound stanza and the `<r/>` that asks for its ack. */
    requestAckDebounce: number;
  }

  export interface ClientOptions {
    service: string;
    domain: string;
    username?: string;
    password?: string;
    resource?: string;
    /** ms allowed for each step of opening and closing the stream. Default 2 000. */
    timeout?: number;
  }

  export interface XmppClient
    extends Emitter<{
      online: (address: JID) => void;
      element: (element: Element) => void;
      stanza: (stanza: Element) => void;
      error: (error: Error & { condition?: string; text?: string }) => void;
      disconnect: (info: { clean: boolean; reason?: unknown }) => void;
      offline: () => void;
    }> {
    jid: JID | null;
    status: string;
    socket: { end(): void } | null;
    reconnect: { stop(): void };
    streamManagement: StreamManagement;
    iqCaller: { request(stanza: Element, timeout?: number): Promise<Element> };
    start(): Promise<JID>;
    stop(): Promise<unknown>;
    send(stanza: Element): Promise<void>;
    disconnect(): Promise<unknown>;
  }
  export function client(options: ClientOptions): XmppClient;
}
