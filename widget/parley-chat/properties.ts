import { LitElement } from 'lit';
import type { EngineOptions, Protocol } from '../../worker/api.ts';
import { en, type Strings } from '../i18n/catalogue.ts';

/** How the element draws the chat: see `mode` below. */
export type Mode = 'inline' | 'launcher' | 'panel';

/** The chat opens and closes (`launcher`, `panel`); any other mode shows it always, as `inline` does. */
export const closable = (mode: string): boolean => mode === 'launcher' || mode === 'panel';

/** The attributes and properties of <parley-chat>, with their defaults; behaviour is in the subclass. */
export class ParleyChatProperties extends LitElement {
  // A getter, not a static field: the build's class transform turns a static field into a
  // static block, which Chrome 92 cannot parse (build/syntax-floor.ts). Lit reads it once.
  static override get properties() {
    return {
      protocol: {},
      server: {},
      room: {},
      user: {},
      name: {},
      signature: {},
      password: {},
      topicPrefix: { attribute: 'topic-prefix' },
      uploadUrl: { attribute: 'upload-url' },
      uploadService: { attribute: 'upload-service' },
      nickname: {},
      heading: {},
      engine: {},
      options: { attribute: false },
      mode: { reflect: true },
      position: { reflect: true },
      theme: { reflect: true },
      isOpen: { type: Boolean, attribute: 'open', reflect: true },
      lang: { reflect: true },
      debug: { type: Boolean, reflect: true },
      strings: { attribute: false },
      accept: {},
      maxFileSize: { attribute: 'max-file-size', type: Number },
      offlineCacheSize: { attribute: 'offline-cache-size', type: Number },
      _strings: { state: true },
      _error: { state: true },
      _now: { state: true },
      titleBadge: { type: Boolean, attribute: 'title-badge' },
      sound: { type: Boolean },
      notifications: { type: Boolean },
    };
  }

  /** `websocket` (JSON), `mqtt` or `xmpp`. Default `websocket`. */
  declare protocol: Protocol;
  /**
   * `ws://` or `wss://` URL of the server; for a cluster, several URLs separated by spaces,
   * tried in order (the first is preferred; docs/deploy.md).
   */
  declare server: string;
  /** Default `lobby`. */
  declare room: string;
  /** The visitor's stable id, never a display name: it decides which messages are theirs (docs/identity.md). XMPP: the bare JID. */
  declare user: string;
  /** The name others see (relay, MQTT). Default: `user`. */
  declare name: string | undefined;
  /** Relay only: the site's HMAC-SHA256 of `user` (docs/identity.md). */
  declare signature: string | undefined;
  declare password: string | undefined;
  /** MQTT only: topic prefix of the rooms. Default `parley/rooms` (docs/mqtt.md). */
  declare topicPrefix: string | undefined;
  /**
   * Relay and MQTT: where the engine uploads files, by a `multipart/form-data` POST with one
   * `file` field answered with `{ url }` (attribute `upload-url`). Without it, attaching fails
   * with the engine's readable error. XMPP uses XEP-0363 slots instead.
   */
  declare uploadUrl: string | undefined;
  /** XMPP only: the JID of the HTTP File Upload service (XEP-0363). Default: found by service discovery. */
  declare uploadService: string | undefined;
  /** XMPP only: the nickname to ask MUC rooms for. Default: the local part of `user`. Never decides which messages are the visitor's. */
  declare nickname: string | undefined;
  /** Title shown in the header. Default: the room name. */
  declare heading: string | undefined;
  /** Name of the SharedWorker (and its database). Default `parley`. */
  declare engine: string;
  declare options: Partial<EngineOptions> | undefined;
  /**
   * `inline` (default): the chat where the element is. `launcher`: a round button in a corner
   * that opens the chat in a panel. `panel`: the chat where the element is, but opened and
   * closed by the page (`open()`, `close()`, the `open` attribute), for a page that draws its own
   * launcher, as the script-tag loader does (docs/widget.md, "Modes").
   */
  declare mode: Mode;
  /** Launcher corner: `bottom-right` (default) or `bottom-left`. */
  declare position: 'bottom-right' | 'bottom-left';
  /** `light` (default), `dark`, or `auto` (follows prefers-color-scheme). */
  declare theme: 'light' | 'dark' | 'auto';
  /** The panel is open (attribute `open`). Inline, the chat always shows, whatever this says. */
  declare isOpen: boolean;
  /** Overrides of the catalogue's strings (widget/i18n/en.ts lists them). */
  declare strings: Partial<Strings> | undefined;

  /**
   * The files a visitor may attach, in `<input accept>` syntax (MIME types, `type/*`, `.ext`).
   * Default: images, audio, video, PDF and common documents (widget/attachments/defaults.ts).
   */
  declare accept: string | undefined;
  /** Largest file a visitor may attach, in bytes (attribute `max-file-size`). Default `options.maxFileSize`, else 10 485 760 (10 MB). */
  declare maxFileSize: number | undefined;
  /** Bytes of received files kept for offline reading (Cache API), oldest evicted first (attribute `offline-cache-size`). Default 52 428 800 (50 MB). */
  declare offlineCacheSize: number | undefined;

  declare _strings: Strings;
  declare _error: string;
  declare _now: number;
  /** Puts the unread count before the page title, "(2) ", while the page is hidden. Default false. */
  declare titleBadge: boolean;
  /** Beeps (WebAudio) for each new message from someone else, in one tab of the browser. Default false. */
  declare sound: boolean;
  /**
   * Shows a system notification for each new message from someone else, in one tab of the
   * browser. Permission is asked when the visitor clicks the launcher (or sends, inline). Default false.
   */
  declare notifications: boolean;
  /** Shows the connection details (worker/health.ts) at all times, for a site owner. Default false. */
  declare debug: boolean;


  constructor() {
    super();
    this.protocol = 'websocket';
    this.server = '';
    this.room = 'lobby';
    this.user = '';
    this.engine = 'parley';
    this.mode = 'inline';
    this.position = 'bottom-right';
    this.theme = 'light';
    this.debug = false;
    this.isOpen = false;
    this._strings = en;
    this._error = '';
    this._now = Date.now();
    this.titleBadge = false;
    this.sound = false;
    this.notifications = false;
  }
}
