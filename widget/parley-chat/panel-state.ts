import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenIdle } from '../controllers/idle.ts';
import { fire } from './events.ts';
import { closable, type Mode } from './properties.ts';

/** What the panel's state reads of <parley-chat> (widget/parley-chat/properties.ts). */
export interface PanelHost extends ReactiveControllerHost, HTMLElement {
  mode: Mode;
  isOpen: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface PanelDeps {
  /** The message list's module (widget/controllers/lazy-module.ts): `value` once loaded. */
  list: { readonly value?: unknown; load(): void };
  scroll: { reset(): void; toBottom(): Promise<void> };
  /** The panel opened or closed (ReadingLink.shownChanged). */
  shownChanged(): void;
  /** Focuses the composer's text box. */
  focusBox(): void;
}

/**
 * Whether the panel is open, shown or parked, and its open and close: a launcher's panel, or
 * the panel of a page's own launcher (`mode="panel"`). Inline, the chat is always open.
 */
export class PanelState implements ReactiveController {
  /** `drawn` at the last update. */
  #wasDrawn = false;
  /** A parked panel draws its list too: from the idle moment after its frame, or its first open on. */
  #withList = false;
  /** Cancels the idle callback that will draw a parked panel's list. */
  #cancelIdle?: () => void;

  constructor(
    private readonly host: PanelHost,
    private readonly deps: PanelDeps,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
  }

  /**
   * A panel parked without its list draws it when the page is next idle. Drawing the whole panel
   * at once took one task of 50–85 ms, a long task for the host page; its frame and its list
   * each take about half (docs/widget.md, "Modes").
   */
  hostUpdated(): void {
    if (!this.drawn || this.listDrawn || this.#cancelIdle) return;
    this.#cancelIdle = whenIdle(() => {
      this.#cancelIdle = undefined;
      this.#withList = true;
      this.host.requestUpdate();
    });
  }

  /** The chat is on screen for the visitor: the element is inline, or its panel is open. */
  get showing(): boolean {
    return !closable(this.host.mode) || this.host.isOpen;
  }

  /**
   * The panel is in the DOM: shown, or parked (drawn hidden) once a closed panel's list has loaded.
   * A parked panel keeps its list at the newest line, so that opening it only shows it: the
   * first draw of a panel (Lit's templates, the first layout of its controls, the virtualiser's
   * first pass) took 40 ms and more here (docs/widget.md, "Modes").
   */
  get drawn(): boolean {
    return this.showing || this.deps.list.value !== undefined;
  }

  /**
   * The panel's list is drawn, if its module has loaded. A panel parked when the module arrives
   * draws its frame (header, banner, composer and an empty list area) in that task, and its
   * list at the next idle moment; an open before that draws the list at once.
   */
  get listDrawn(): boolean {
    return this.showing || (this.drawn && this.#withList);
  }

  open(): void {
    const { host, deps } = this;
    if (!closable(host.mode) || host.isOpen) return;
    const parked = this.listDrawn;
    host.isOpen = true;
    fire(host, 'parley-open', {});
    deps.shownChanged();
    // A parked panel's list follows the newest message, unless the visitor had scrolled up
    // before closing it: it opens at the newest, as one drawn afresh does (willUpdate).
    void host.updateComplete.then(() => {
      deps.focusBox();
      if (parked) void deps.scroll.toBottom();
    });
  }

  close(): void {
    const { host } = this;
    if (!closable(host.mode) || !host.isOpen) return;
    host.isOpen = false;
    fire(host, 'parley-close', {});
    this.deps.shownChanged();
    void host.updateComplete.then(() => host.renderRoot.querySelector<HTMLElement>('.launcher')?.focus());
  }

  toggle(): void {
    return this.host.isOpen ? this.close() : this.open();
  }

  /**
   * The host's willUpdate, before it builds the list's lines: an open panel needs its list, and
   * one drawn afresh starts its list at the newest message. Returns whether it is drawn afresh
   * (the host then builds its lines anew). Not hostUpdate: Lit calls that after willUpdate, when
   * the scroll keeper has been told of the lines already.
   */
  willUpdate(): boolean {
    if (this.showing) {
      this.deps.list.load();
      // Closed again, it stays parked with its list.
      this.#withList = true;
    }
    const afresh = this.drawn && !this.#wasDrawn;
    if (afresh) this.deps.scroll.reset();
    this.#wasDrawn = this.drawn;
    return afresh;
  }
}
