/**
 * Import warnings with codes (issue 3): every warning the importer shows carries a stable code and
 * its params, so the renderer says it in the person's language (i18n `warnings.<code>`), plus the
 * English sentence for the CLI and anything that does not know the code. One builder per code,
 * so the params and the English wording cannot drift apart.
 */
import type { CodedWarning, ImportWarning } from '../../preload/contract/types'

const en = (n: number): string => n.toLocaleString('en')
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many)

export const warn = {
  textColumn: (column: string): CodedWarning => ({
    code: 'textColumn', params: { column },
    message: `Column "${column}" looks like free text and will be left out unless you change its type.`
  }),
  idxUnpaired: (): CodedWarning => ({
    code: 'idxUnpaired', params: {},
    message: 'Images and labels files do not pair up; drop one labels file per images file.'
  }),
  idxCountMismatch: (images: string, imageCount: number, labels: string, labelCount: number): CodedWarning => ({
    code: 'idxCountMismatch', params: { images, imageCount, labels, labelCount },
    message: `${images} has ${imageCount} images but ${labels} has ${labelCount} labels; the import will stop on this.`
  }),
  imbalanced: (max: number, min: number): CodedWarning => ({
    code: 'imbalanced', params: { max, min },
    message: `Classes are imbalanced: the largest has ${max} images, the smallest ${min}.`
  }),
  mixedSizes: (sizes: number, width: number, height: number): CodedWarning => ({
    code: 'mixedSizes', params: { sizes, width, height },
    message: `Images come in ${sizes} sizes; all will be resized to ${width}×${height}.`
  }),
  willSkip: (count: number): CodedWarning => ({
    code: 'willSkip', params: { count },
    message: `${count} ${plural(count, 'file', 'files')} will be skipped (see the list).`
  }),
  filesSkipped: (count: number): CodedWarning => ({
    code: 'filesSkipped', params: { count },
    message: `${count} ${plural(count, 'file', 'files')} skipped (unreadable or not images); see the list.`
  }),
  rowsDropped: (dropped: number, total: number, anyMissing: boolean): CodedWarning => ({
    code: anyMissing ? 'rowsDroppedMissing' : 'rowsDroppedTarget', params: { dropped, total },
    message: `${en(dropped)} of ${en(total)} rows dropped (missing target${anyMissing ? ' or a missing value' : ''}).`
  })
} as const

/** The English sentence of a warning, coded or plain (CLI, logs). */
export function warningText(w: ImportWarning): string {
  return typeof w === 'string' ? w : w.message
}
