/**
 * A deliberately small CSV reader for the studio's own sample files: comma-separated, a header
 * row, no quoting. (User CSV import has its own, full parser.)
 */

/** Header names and the rows as string cells. */
export interface CsvTable {
  columns: string[]
  rows: string[][]
}

/** Parses simple CSV text; throws naming the line when a row has the wrong number of cells. */
export function parseSimpleCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const columns = (lines.shift() ?? '').split(',').map((c) => c.trim())
  const rows = lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length !== columns.length) throw new Error(`line ${i + 2}: ${cells.length} cells, expected ${columns.length}`)
    return cells
  })
  return { columns, rows }
}
