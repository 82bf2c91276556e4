/**
 * Window math for virtualized lists and grids: which rows are on screen (plus a margin), how much
 * empty space stands in for the rest, and which fixed-size pages of data those rows need. Pure and
 * DOM-free, so the table and the thumbnail grid share it and unit tests cover the edges.
 */

/** The slice of rows to render: [start, end), with spacer heights above and below. */
export interface RowWindow {
  start: number
  end: number
  padTop: number
  padBottom: number
}

/**
 * Rows visible in a viewport of `viewportHeight` px scrolled to `scrollTop`, each row `rowHeight`
 * px, `total` rows, with `overscan` extra rows on each side (so a fast scroll does not show gaps).
 * Always within [0, total]; a scrollTop past the end (the list shrank) clamps to the last rows.
 */
export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 6): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 }
  const visible = Math.max(1, Math.ceil(Math.max(0, viewportHeight) / rowHeight))
  const maxFirst = Math.max(0, total - visible)
  const first = Math.min(maxFirst, Math.max(0, Math.floor(Math.max(0, scrollTop) / rowHeight)))
  const start = Math.max(0, first - overscan)
  const end = Math.min(total, first + visible + 1 + overscan)
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight }
}

/** Grid layout: how many cells of `cellWidth` (+ `gap`) fit in `width`; at least one. */
export function gridColumns(width: number, cellWidth: number, gap: number): number {
  if (cellWidth <= 0) return 1
  return Math.max(1, Math.floor((Math.max(0, width) + gap) / (cellWidth + gap)))
}

/** The items of a grid with `columns` per row to render: whole rows, as item indices [start, end). */
export function gridWindow(scrollTop: number, viewportHeight: number, rowHeight: number, columns: number, total: number, overscanRows = 2): RowWindow {
  const cols = Math.max(1, columns)
  const rows = Math.ceil(Math.max(0, total) / cols)
  const w = rowWindow(scrollTop, viewportHeight, rowHeight, rows, overscanRows)
  return { start: w.start * cols, end: Math.min(total, w.end * cols), padTop: w.padTop, padBottom: w.padBottom }
}

/** Page numbers (pages of `pageSize` items) that cover items [start, end), in order. */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start || pageSize <= 0) return []
  const out: number[] = []
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) out.push(p)
  return out
}

/**
 * A small least-recently-used cache of pages (page number → items), so scrolling back and forth
 * does not refetch and a 100k-row table never holds more than `capacity` pages.
 */
export class PageCache<T> {
  private readonly pages = new Map<number, T>()
  constructor(readonly capacity = 12) {}

  get(page: number): T | undefined {
    const v = this.pages.get(page)
    if (v !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
      this.pages.delete(page)
      this.pages.set(page, v)
    }
    return v
  }

  has(page: number): boolean { return this.pages.has(page) }

  set(page: number, value: T): void {
    this.pages.delete(page)
    this.pages.set(page, value)
    while (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next().value as number
      this.pages.delete(oldest)
    }
  }

  clear(): void { this.pages.clear() }
  get size(): number { return this.pages.size }
}
