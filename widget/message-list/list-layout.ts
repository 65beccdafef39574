import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/**
 * The virtualiser's flow layout, with three changes for a chat, whose reader starts at the
 * newest line and moves up from there.
 *
 * 1. **It starts at the end.** The first pass that has lines (after the list was empty) puts
 *    the view at the end of the estimated height, so it lays out the newest lines first. The
 *    flow layout starts at the top: the first page was drawn at its oldest lines, measured,
 *    then moved to the newest by the scroll keeper a layout pass or two later (tens of ms and
 *    a second render of every line in view: docs/speed.md, "History first paint").
 *
 * 2. **It does not pull the list back to a line the view has left.** The flow layout lays lines
 *    out around an anchor line, and keeps that anchor from one pass to the next until a pass
 *    leaves the range of drawn lines unchanged (its `_resetReflowState`). Such a pass normally
 *    comes with the next frame, when the virtualiser measures the lines it drew. A list that
 *    grows by a line at every pass and draws no frames (a tab in the background: headless
 *    Chromium gives an earlier page about one frame a second, a hidden page none) never gets
 *    one, so the anchor stays where the list was minutes ago. Once the list has followed the new
 *    lines more than the layout's overhang (1000 px) past it, the next pass takes the anchor out
 *    of view for an error and scrolls the list back up to it: the scroll keeper saw a move up
 *    that no correction explains, took it for the reader's, stopped following and showed the
 *    "new messages" pill (bench item 3's "stopped following"). Here an anchor wholly outside the
 *    stretch a pass lays out is dropped, and the pass picks one where the view is, as it does
 *    after a reset. A pinned line (`element().scrollIntoView()`) is kept: there the layout moves
 *    the view to the line on purpose.
 *
 * 3. **It picks a new anchor from where the view is now.** The flow layout looks for one from
 *    the first line in view at its last pass (`_firstVisible`), which it updates on the scroll
 *    event, a frame after the move. A pass in between (a message that arrives just after the
 *    reader scrolled up by more than a screen) anchored on a line far below the view, and
 *    scrolled the reader back down towards it (test/browser/message-list.test.ts, "leaves the
 *    reader where they scrolled to…").
 */
export class ListLayout extends FlowLayout {
  /** The next pass that has lines starts the view at the newest: the list was empty. */
  #fromEnd = true;

  override _setItems(items: unknown[]): void {
    if (!items.length) this.#fromEnd = true;
    super._setItems(items);
  }

  override _setPositionFromPin(): void {
    // A view of no height (a list not laid out yet) has no end to start at: wait for one that has.
    if (this.#fromEnd && this._items.length && this._viewDim1 > 0 && this.pin === null) {
      this.#fromEnd = false;
      const before = this._scrollPosition;
      this._scrollPosition = Math.max(0, this._scrollSize - this._viewDim1);
      // The virtualiser moves the scroller by the error, after it has sized the list's height.
      this._scrollError = before - this._scrollPosition;
    }
    super._setPositionFromPin();
  }

  override _getItems(): void {
    const anchor = this._anchorIdx;
    if (anchor !== null && this._anchorPos !== null && this.pin === null) {
      const lower = this._scrollPosition - this._overhang;
      const upper = this._scrollPosition + this._viewDim1 + this._overhang;
      const size = this._getSize(anchor) ?? this._getAverageSize();
      if (this._anchorPos + size < lower || this._anchorPos > upper) {
        this._anchorIdx = null;
        this._anchorPos = null;
      }
    }
    if (this._anchorIdx === null) this._updateVisibleIndices();
    super._getItems();
  }
}
