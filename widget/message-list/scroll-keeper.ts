import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ReaderHands, where } from './reader-hands.ts';
import type { Row } from './rows.ts';

/** Closer than this to the bottom (px) counts as "at the bottom": the list follows new messages. */
const BOTTOM_SLACK = 32;
/** Closer than this to the top (px) asks for older messages. */
const TOP_SLACK = 150;

interface Anchor {
  key: string;
  /**
   * px from the list's top edge to the line's bottom. The bottom, because the line's top can
   * change: the first line loses its day separator when older lines of that day arrive above.
   */
  offset: number;
  /** scrollHeight − scrollTop, px. */
  fromBottom: number;
}

const sameKeys = (a: readonly Row[], b: readonly Row[]) => a.length === b.length && a.every((r, i) => r.key === b[i]!.key);
const indexOfKey = (rows: readonly Row[], key: string) => rows.findIndex((r) => r.key === key);
/** From the end, where new lines are (findLastIndex is newer than Chrome 92, README "Browsers"). */
const lastIndexOfKey = (rows: readonly Row[], key: string) => {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.key === key) return i;
  return -1;
};

const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
};

/**
 * The virtualiser's next layout pass, or LAYOUT_WAIT ms if none comes: its `layoutComplete`
 * promise settles only after a layout that has not happened yet.
 */
const settled = (virtual: Virtual) =>
  Promise.race([virtual.layoutComplete.catch(() => undefined), new Promise((r) => setTimeout(r, LAYOUT_WAIT))]);
/** Longest wait for a layout pass, in ms. */
const LAYOUT_WAIT = 500;

export interface Virtual {
  element(index: number): { scrollIntoView(options?: ScrollIntoViewOptions): void } | undefined;
  layoutComplete: Promise<void>;
}

/**
 * Keeps the reader's place in the message list:
 * - follows new messages only while the reader is at the bottom (or the new one is their own),
 *   and otherwise counts them for the "N new messages" pill;
 * - when older messages are put above, keeps the line the reader was looking at where it was
 *   (scroll anchoring by hand: a virtualised list lays out lines it has not measured yet);
 * - asks for older messages when the reader nears the top.
 */
export class ScrollKeeper implements ReactiveController {
  /** New messages from others that arrived below the reader. */
  newCount = 0;
  /**
   * New lines follow: the reader was at the bottom and has not scrolled up since. A state, not a
   * measure taken when a line arrives: in a fast stream the newest line is often drawn before the
   * list has scrolled to the one before it (or before that line was measured and grew), and a
   * measure then said "above the bottom", showed the pill and stopped following.
   */
  #following = true;
  /** The lines last shown. */
  #rows: readonly Row[] = [];
  #anchor?: Anchor;
  #stick = false;
  /** Where the list was when last tracked (#track), px. */
  #last = { top: 0, height: 0 };
  /** scrollTop at the last scroll event, px. */
  #eventTop = 0;
  /** No "near the top" until the first page is shown at the bottom. */
  #settled = false;
  /** Tells the reader's moves from the list's own. */
  readonly #hands = new ReaderHands();
  /** The list element's listener for the reader's input (message-list.ts). */
  readonly onInput = this.#hands.listener;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scroller: () => HTMLElement | null | undefined,
    private readonly nearTop: () => void,
    /** The virtualiser of the list, once its module has loaded. */
    private readonly virtualOf: (scroller: HTMLElement) => Virtual | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /**
   * Before the list renders `rows`: what changed since the last time, and where the reader is.
   * Compares lines by key from the ends, without going over the whole list: this runs for every
   * new message (bench item 3).
   */
  willShow(rows: readonly Row[]): void {
    const before = this.#rows;
    this.#rows = rows;
    if (rows.length === 0 || (before.length && sameKeys(rows, before))) return;
    if (!before.length) {
      this.#stick = true;
      return;
    }
    const oldFirst = indexOfKey(rows, before[0]!.key);
    if (oldFirst > 0) this.#anchor = this.#visibleAnchor();
    const oldLast = lastIndexOfKey(rows, before[before.length - 1]!.key);
    const added = oldLast >= 0 ? rows.slice(oldLast + 1) : [];
    const scroller = this.scroller();
    if (scroller) this.#track(scroller);
    if (added.some((r) => r.message?.mine) || this.#following) this.#stick = true;
    else if (added.length) {
      this.newCount += added.length;
      this.host.requestUpdate();
    }
  }

  /** After the list rendered: put the reader where they belong. */
  async shown(): Promise<void> {
    // The panel may close (and the virtualiser go) while this waits for frames: nothing to keep.
    await this.#shown().catch(() => undefined);
  }

  async #shown(): Promise<void> {
    const virtual = this.#virtual();
    if (!virtual) return;
    if (this.#anchor) {
      const anchor = this.#anchor;
      this.#anchor = undefined;
      await this.#restore(anchor);
    }
    if (this.#stick) {
      this.#stick = false;
      await this.#toBottom();
    }
  }

  /**
   * Puts the anchor line back where it was. Lines put above it have estimated heights until they
   * are measured, so first keep the distance from the bottom (which the new lines do not change),
   * then correct by the anchor's measured position until it stays put.
   */
  async #restore({ key, offset, fromBottom }: Anchor): Promise<void> {
    const scroller = this.scroller();
    if (!scroller) return;
    await frames(2);
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
    for (let i = 0; i < 4; i++) {
      await frames(2);
      const line = scroller.querySelector<HTMLElement>(`.row[data-id="${CSS.escape(key)}"]`);
      if (!line) return;
      const delta = line.getBoundingClientRect().bottom - scroller.getBoundingClientRect().top - offset;
      if (Math.abs(delta) < 1) return;
      scroller.scrollTop += delta;
    }
  }

  /** Jumps to the newest message (the pill, an own message). */
  toBottom(): Promise<void> {
    return this.#toBottom().catch(() => undefined);
  }

  async #toBottom(): Promise<void> {
    const virtual = this.#virtual();
    if (!virtual || !this.#rows.length) return;
    const last = this.#rows.length - 1;
    try {
      virtual.element(last)?.scrollIntoView({ block: 'end' });
    } catch {
      // A virtualiser made a moment ago (the panel reopened) has no layout yet: wait for it.
      await settled(virtual);
      virtual.element(last)?.scrollIntoView({ block: 'end' });
    }
    const scroller = this.scroller();
    // Each step below waits for a layout pass, a frame or more: a reader may scroll up meanwhile,
    // before their scroll event tells #track. They stay where they went.
    let placed = scroller && where(scroller);
    let since = performance.now();
    await settled(virtual);
    if (scroller && placed && this.#hands.movedUp(scroller, placed, since)) return this.#leftByReader();
    // The last line may have grown once measured: finish at the true bottom.
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    placed = scroller && where(scroller);
    since = performance.now();
    this.#following = true;
    this.#settled = true;
    if (this.newCount) {
      this.newCount = 0;
      this.host.requestUpdate();
    }
    // The virtualiser may measure the last line once more after that (Firefox does, a layout
    // later): a reader still following stays at the bottom.
    await settled(virtual);
    if (scroller && placed && this.#hands.movedUp(scroller, placed, since)) return this.#leftByReader();
    if (scroller && this.#following) scroller.scrollTop = scroller.scrollHeight;
  }

  /** A reader scrolled up while #toBottom moved the list: it stops, and new lines no longer follow. */
  #leftByReader(): void {
    this.#following = false;
    this.#settled = true;
  }

  /** The list's scroll handler. */
  onScroll = (): void => {
    const scroller = this.scroller();
    if (!scroller) return;
    if (this.#track(scroller) && this.newCount) {
      this.newCount = 0;
      this.host.requestUpdate();
    }
    // Only a reader moving up asks for more (a list shorter than its box reports 0 without
    // anyone scrolling).
    const up = scroller.scrollTop < this.#eventTop;
    this.#eventTop = scroller.scrollTop;
    if (this.#settled && up && scroller.scrollTop <= TOP_SLACK) this.nearTop();
  };

  /**
   * Follows the reader from where the list is now. Also called before new lines are shown: a
   * scroll event comes with the next frame, so the reader may have moved since the last one.
   * A move up away from the bottom by the reader (reader-hands.ts) ends following, and only
   * reaching the bottom starts it again. Returns whether the list is at the bottom.
   */
  #track(scroller: HTMLElement): boolean {
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK;
    if (atBottom) this.#following = true;
    else if (this.#hands.movedUp(scroller, this.#last)) this.#following = false;
    this.#last = where(scroller);
    return atBottom;
  }

  /** The list was emptied (another conversation): start over. */
  reset(): void {
    this.#rows = [];
    this.#settled = false;
    this.#following = true;
    this.newCount = 0;
  }

  #virtual(): Virtual | undefined {
    const scroller = this.scroller();
    return scroller ? this.virtualOf(scroller) : undefined;
  }

  /** The first line at least partly in view, and how far its bottom is from the list's top (px). */
  #visibleAnchor(): Anchor | undefined {
    const scroller = this.scroller();
    if (!scroller) return undefined;
    const top = scroller.getBoundingClientRect().top;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    let best: Anchor | undefined;
    // The virtualiser may keep lines in any DOM order: compare positions, not order.
    for (const line of scroller.querySelectorAll<HTMLElement>('.row[data-id]')) {
      const rect = line.getBoundingClientRect();
      if (rect.bottom > top + 1 && rect.height && (!best || rect.bottom - top < best.offset))
        best = { key: line.dataset.id!, offset: rect.bottom - top, fromBottom };
    }
    return best;
  }
}
