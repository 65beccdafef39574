/**
 * How long after the reader's last wheel, touch, key or release a move up counts as theirs, ms.
 * A wheel's or a key's scroll starts within a frame; a touch fling goes on after the finger
 * lifts, but the first move up, which is the one that ends following, comes at once.
 */
const INTENT = 500;

/** Where a scroller is, px. */
export interface Place {
  top: number;
  height: number;
}

/** Where `scroller` is: its scrollTop and scrollHeight, px. */
export const where = (scroller: HTMLElement): Place => ({ top: scroller.scrollTop, height: scroller.scrollHeight });

/**
 * Tells the reader's moves of the message list from the list's own, by the reader's hands on
 * it: a wheel turned up, a touch, a key, a press (on its scrollbar, or a selection dragged past
 * its edge).
 *
 * The list also moves up by itself, as the virtualiser measures lines and keeps the one in view
 * in place: by what the estimates of the lines were off, which in a fast stream, with lines
 * drawn before the ones above them were measured, reaches hundreds of px. No rule on the size of
 * a move told the two apart: every bound was crossed sometimes, and the list stopped following
 * and showed the "new messages" pill (docs/widget.md, "The list"). Those moves change the
 * height, though, so a move over an unchanged height counts without input too: find in page, a
 * screen reader. Not in a hidden page, where nobody scrolls.
 */
export class ReaderHands {
  /** performance.now() of the reader's last wheel up, touch, key or release on the list, ms. */
  #inputAt = -Infinity;
  /** A pointer is down on the list. */
  #pressed = false;

  /** For the list's element: wheel, touchmove, keydown, pointerdown. Passive: it only notes the time. */
  readonly listener = {
    passive: true,
    handleEvent: (e: Event): void => {
      // A wheel turned down moves towards the new lines: it cannot leave them.
      if (e instanceof WheelEvent && e.deltaY >= 0) return;
      if (e.type === 'pointerdown' && !this.#pressed) {
        this.#pressed = true;
        // On the window: the pointer may be let go outside the list.
        addEventListener('pointerup', this.#released);
        addEventListener('pointercancel', this.#released);
      }
      this.#inputAt = performance.now();
    },
  };

  #released = (): void => {
    this.#pressed = false;
    this.#inputAt = performance.now();
    removeEventListener('pointerup', this.#released);
    removeEventListener('pointercancel', this.#released);
  };

  /**
   * `scroller` moved up from `from`, and the reader did it: their hands were on the list within
   * INTENT ms before `since` (performance.now(), ms) or after it, or the height is unchanged.
   */
  movedUp(scroller: HTMLElement, from: Place, since = performance.now()): boolean {
    if (scroller.scrollTop >= from.top) return false;
    if (this.#pressed || this.#inputAt > since - INTENT) return true;
    return scroller.scrollHeight === from.height && document.visibilityState === 'visible';
  }
}
