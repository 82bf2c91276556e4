/**
 * The import dialog's "what the studio found" in the person's language (issue 3). main's
 * InspectResult carries English words for the format (`formatLabel`) and each file's `role`; the
 * facts behind them are structured (format, csv dialect, class names) or follow a few fixed forms
 * (main/datasets/detect.ts), so the renderer says them from its own messages and falls back to the
 * English words for anything it does not recognise.
 */
import type { InspectResult } from '../../../preload/contract/types'

type T = (key: string, params?: Record<string, unknown>) => string

const DELIMS: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' }

export function formatLabelText(ins: Pick<InspectResult, 'format' | 'formatLabel' | 'csv' | 'classNames'>, t: T): string {
  switch (ins.format) {
    case 'csv': {
      if (!ins.csv) return ins.formatLabel
      const d = DELIMS[ins.csv.delimiter]
      return t('inspect.format.csv', {
        kind: ins.csv.delimiter === '\t' ? 'TSV' : 'CSV',
        delimiter: d ? t(`inspect.delimiters.${d}`) : JSON.stringify(ins.csv.delimiter),
        header: t(ins.csv.hasHeader ? 'inspect.header' : 'inspect.noHeader')
      })
    }
    case 'cifar': return t('inspect.format.cifar', { k: /100/.test(ins.formatLabel) ? 100 : 10 })
    case 'jsonl': case 'idx': case 'npy': case 'npz': case 'images':
      return t(`inspect.format.${ins.format}`)
  }
  return ins.formatLabel
}

/** A file's role: 'table', '[60000, 28, 28]', 'train images', 'test labels', 'train batch', 'class names', 'class folder, 120 images'. */
export function fileRoleText(role: string, t: T): string {
  if (role === 'table') return t('inspect.roles.table')
  if (role === 'class names') return t('inspect.roles.classNames')
  const folder = /^class folder, (\d+) images$/.exec(role)
  if (folder) return t('inspect.roles.classFolder', { n: Number(folder[1]).toLocaleString() })
  const part = /^(?:(train|test|val) )?(images|labels|batch)$/.exec(role)
  if (part) {
    const what = t(`inspect.roles.${part[2]}`)
    return part[1] ? t('inspect.roles.withSplit', { split: t(`splits.${part[1]}`), what }) : what
  }
  return role // shapes like [60000, 28, 28] read the same in every language
}
