/**
 * The part of xmpp.js 0.14 (which ships no types) that the XMPP transport uses: the packages
 * that @xmpp/client depends on, wired in session.ts. Elements are ltx elements.
 */
declare module '@xmpp/client-core' {
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
    listeners(event: string): ((...args: never[]) => void)[];
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
    /** ms allowed for each step of opening and closing the stream. Default 2 000. */
    timeout?: number;
  }

  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    /** Pending requests by iq id; each holds a timeout until settled (packages/iq/caller.js). */
    handlers: Map<string, { reject(error: Error): void }>;
  }

  export interface Entity
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
    start(): Promise<JID>;
    stop(): Promise<unknown>;
    send(stanza: Element): Promise<void>;
    disconnect(): Promise<unknown>;
  }
  export class Client {
    constructor(options: ClientOptions);
  }
  export interface Client extends Entity {}
}

declare module '@xmpp/middleware' {
  export default function middleware(deps: { entity: import('@xmpp/client-core').Entity }): object;
}
declare module '@xmpp/websocket' {
  export default function websocket(deps: { entity: import('@xmpp/client-core').Entity }): void;
}
declare module '@xmpp/stream-features' {
  export default function streamFeatures(deps: { middleware: object }): object;
}
declare module '@xmpp/iq/caller.js' {
  export default function iqCaller(deps: { middleware: object; entity: import('@xmpp/client-core').Entity }): import('@xmpp/client-core').IqCaller;
}
declare module '@xmpp/iq/callee.js' {
  export default function iqCallee(deps: { middleware: object; entity: import('@xmpp/client-core').Entity }): {
    get(ns: string, name: string, handler: () => object): void;
  };
}
declare module 'saslmechanisms' {
  export default class SASLFactory {}
}
declare module '@xmpp/sasl-plain' {
  export default function plain(factory: import('saslmechanisms').default): void;
}
declare module '@xmpp/sasl' {
  /** Called with the mechanisms both sides support; must call `authenticate`. */
  export type OnAuthenticate = (
    authenticate: (credentials: { username: string; password: string }, mechanism: string) => Promise<void>,
    mechanisms: string[],
  ) => Promise<void>;
  export default function sasl(deps: { streamFeatures: object; saslFactory: import('saslmechanisms').default }, onAuthenticate: OnAuthenticate): void;
}
declare module '@xmpp/resource-binding' {
  export default function resourceBinding(deps: { streamFeatures: object; iqCaller: import('@xmpp/client-core').IqCaller }, resource: string): void;
}
declare module '@xmpp/stream-management' {
  export default function streamManagement(deps: {
    streamFeatures: object;
    entity: import('@xmpp/client-core').Entity;
    middleware: object;
  }): import('@xmpp/client-core').StreamManagement;
}
