import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/**
 * The virtualiser's flow layout, except that it does not pull the list back to a line the
 * view has left.
 *
 * The flow layout lays lines out around an anchor line, and keeps that anchor from one layout
 * pass to the next until a pass leaves the range of drawn lines unchanged (its
 * `_resetReflowState`). Such a pass normally comes with the next frame, when the virtualiser
 * measures the lines it drew. A list that grows by a line at every pass and draws no frames
 * (a tab in the background: headless Chromium gives an earlier page about one frame a second,
 * a hidden page none) never gets one, so the anchor stays where the list was minutes ago. Once
 * the list has followed the new lines more than the layout's overhang (1000 px) past it, the
 * next pass takes the anchor out of view for an error and scrolls the list back up to it: the
 * scroll keeper saw a move up that no correction explains, took it for the reader's, stopped
 * following and showed the "new messages" pill (bench item 3's "stopped following").
 *
 * Here an anchor wholly outside the stretch a pass lays out is dropped, and the pass picks one
 * where the view is, as it does after a reset. A pinned line (`element().scrollIntoView()`) is
 * kept: there the layout moves the view to the line on purpose.
 */
export class ListLayout extends FlowLayout {
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
    super._getItems();
  }
}
