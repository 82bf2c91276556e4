/**
 * What was dropped? Decides the format from the content (magic bytes, text vs binary, record
 * sizes), with the names only as hints, and builds the import dialog's InspectResult from a
 * sample — about a second even for gigabytes, because nothing is read whole except small label
 * files.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { DatasetFormat, ImportOptions, InspectResult } from '../../preload/contract/types'
import { CIFAR_PIXELS, cifarLabelBytes, parseIdx, parseNpy, readNumpy, splitFromName } from './binaryFormats'
import { ImportError, detail } from './importError'
import { IMAGE_EXTS, decodeImageAsync, imageSize, listImageFolders, readImageHead, sniffImage } from './images'
import { baseExt, readStart, readWhole, type SourceFile } from './sourceFiles'
import { describeColumns, proposeTarget, sampleTabular } from './tabular'
import { warn } from './warnings'

/** Dropped paths after validation: plain files and folders, each with a display name. */
export interface ResolvedInput {
  files: SourceFile[]
  dirs: { path: string; name: string }[]
}

/** The format and the files it reads (folders expanded where the format is a set of files). */
export interface Detected {
  format: DatasetFormat
  files: SourceFile[]
  dirs: { path: string; name: string }[]
}

function hasSubdirs(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && !e.name.startsWith('.'))
}

function filesOf(dir: { path: string; name: string }): SourceFile[] {
  return readdirSync(dir.path, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => {
      const p = path.join(dir.path, e.name)
      return { path: p, name: `${dir.name}/${e.name}`, bytes: statSync(p).size }
    })
}

const TEXT_EXTS = new Set(['.csv', '.tsv', '.txt', '.tab', '.jsonl', '.ndjson', '.json', '.data'])

/** The format of one file from its first bytes; throws format_mismatch when name and content disagree. */
async function sniffFile(f: SourceFile): Promise<DatasetFormat | 'image' | 'meta' | null> {
  const ext = baseExt(f.name)
  const lower = f.name.toLowerCase()
  if (f.bytes === 0) {
    const what = ext === '.npy' ? 'a NumPy array (.npy)' : TEXT_EXTS.has(ext) ? 'rows of data' : 'data'
    throw new ImportError('empty_file', `${f.name}: the file is empty (0 bytes); expected ${what}.`, { file: f.name }, detail('emptyFile', { file: f.name }))
  }
  let head: Buffer
  try {
    head = (await readStart(f, 64 * 1024)).bytes
  } catch (e) {
    throw new ImportError('truncated', `${f.name}: the gzip data is damaged (${(e as Error).message}).`, { file: f.name }, detail('gzipDamaged', { file: f.name, detail: (e as Error).message }))
  }
  if (!head.length) throw new ImportError('empty_file', `${f.name}: the file is empty after decompression.`, { file: f.name }, detail('emptyFile', { file: f.name }))
  if (head.length >= 6 && head[0] === 0x93 && head.toString('latin1', 1, 6) === 'NUMPY') return 'npy'
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    if (ext === '.npz' || ext === '.zip') return 'npz'
    throw new ImportError('format_mismatch', `${f.name}: a zip archive; the studio reads zips only as NumPy .npz files.`, { file: f.name }, detail('zipNotNpz', { file: f.name }))
  }
  if (sniffImage(head)) return 'image'
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0x08 && head[3]! >= 1 && head[3]! <= 4) return 'idx'
  const cifar = /\.bin$/.test(lower) || /data_batch|test_batch/.test(lower)
  if (cifar && cifarLabelBytes(f.name, f.bytes) !== null) return 'cifar'
  if (/batches\.meta|label_names|labels\.txt|readme/i.test(lower)) return 'meta'
  const nul = head.indexOf(0)
  if (nul >= 0) {
    if (ext === '.npy' || ext === '.npz') throw new ImportError('format_mismatch', `${f.name}: named ${ext} but it is not a NumPy file (no 93 'NUMPY' magic at offset 0).`, { file: f.name, offset: 0 }, detail('notNumpy', { file: f.name, ext }))
    if (/ubyte|idx/.test(lower)) throw new ImportError('bad_magic', `${f.name}: not an IDX file — expected 00 00 08 0N at offset 0, found ${[...head.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}.`, { file: f.name, offset: 0 }, detail('idxMagic', { file: f.name, found: [...head.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ') }))
    if (TEXT_EXTS.has(ext)) throw new ImportError('format_mismatch', `${f.name}: named ${ext} but the content is binary (a zero byte at offset ${nul}); expected text rows.`, { file: f.name, offset: nul }, detail('binaryNotText', { file: f.name, ext, offset: nul }))
    if (cifar) {
      const rec = /100|coarse|fine/i.test(lower) ? CIFAR_PIXELS + 2 : CIFAR_PIXELS + 1
      const cut = f.bytes - (f.bytes % rec)
      throw new ImportError('truncated', `${f.name}: ${f.bytes.toLocaleString('en')} bytes is not a whole number of CIFAR records (${rec.toLocaleString('en')} bytes each); the record at offset ${cut} is cut short.`, { file: f.name, offset: cut }, detail('cifarCut', { file: f.name, bytes: f.bytes, record: rec, offset: cut }))
    }
    return null
  }
  if (ext === '.npy' || ext === '.npz') throw new ImportError('format_mismatch', `${f.name}: named ${ext} but the content is text, not a NumPy array.`, { file: f.name, offset: 0 }, detail('textNotNumpy', { file: f.name, ext }))
  if (IMAGE_EXTS.has(ext)) throw new ImportError('format_mismatch', `${f.name}: named ${ext} but the content is text, not an image.`, { file: f.name, offset: 0 }, detail('textNotImage', { file: f.name, ext }))
  if (/ubyte/.test(lower)) throw new ImportError('bad_magic', `${f.name}: not an IDX file — expected 00 00 08 0N at offset 0, found text.`, { file: f.name, offset: 0 }, detail('idxMagic', { file: f.name, found: 'text' }))
  const first = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  if (first.startsWith('{')) return 'jsonl'
  return 'csv'
}

/** Decides the format of what was dropped. `forced` (the dialog's override) wins where it can. */
export async function detect(input: ResolvedInput, forced?: DatasetFormat): Promise<Detected> {
  let files = [...input.files]
  let dirs = [...input.dirs]
  if (forced === 'images' || dirs.length > 1 || (dirs.length === 1 && hasSubdirs(dirs[0]!.path))) {
    if (files.length) throw new ImportError('bad_option', 'Drop either a folder of class folders or data files, not both.', {}, detail('foldersAndFiles'))
    if (!dirs.length) throw new ImportError('bad_option', 'An image dataset is a folder with one sub-folder per class; drop the folder.', {}, detail('dropImageFolder'))
    return { format: 'images', files: [], dirs }
  }
  if (dirs.length === 1) { files = filesOf(dirs[0]!); dirs = [] }
  if (!files.length) throw new ImportError('no_data', `${input.dirs[0]?.name ?? 'The drop'}: no files found.`, {}, detail('noFiles', { file: input.dirs[0]?.name ?? '—' }))
  const kinds = await Promise.all(files.map(async (f) => ({ f, k: await sniffFile(f) })))
  const data = kinds.filter((x) => x.k !== 'meta')
  const unknown = data.find((x) => x.k === null)
  if (unknown) throw new ImportError('unknown_format', `${unknown.f.name}: not a format the studio reads (CSV/TSV, JSON Lines, IDX, CIFAR binary, NumPy .npy/.npz, or a folder of class folders with images).`, { file: unknown.f.name }, detail('unknownFormat', { file: unknown.f.name }))
  if (data.some((x) => x.k === 'image')) throw new ImportError('bad_option', 'Images are imported as a folder with one sub-folder per class: drop that folder instead of the image files.', {}, detail('dropImageFolder'))
  const formats = new Set(data.map((x) => x.k as DatasetFormat))
  if (forced) {
    return { format: forced, files: forced === 'cifar' ? files : data.map((x) => x.f), dirs: [] }
  }
  if (formats.size > 1) throw new ImportError('bad_option', `The dropped files are of different formats (${[...formats].join(', ')}); import one dataset at a time.`, {}, detail('mixedFormats', { formats: [...formats].join(', ') }))
  const format = [...formats][0]!
  if ((format === 'csv' || format === 'jsonl') && data.length > 1) throw new ImportError('bad_option', `Drop one ${format === 'csv' ? 'CSV' : 'JSON Lines'} file at a time (${data.length} were dropped).`, {}, detail('oneTextFile', { count: data.length }))
  return { format: format === 'npz' && data.some((x) => x.k === 'npy') ? 'npy' : format, files: format === 'cifar' ? files : data.map((x) => x.f), dirs: [] }
}

/** A name for the dataset from what was dropped ("fashion-mnist", "iris"). */
export function suggestName(input: ResolvedInput): string {
  const first = input.dirs[0]?.name ?? input.files[0]?.name ?? 'dataset'
  const base = first.split('/')[0]!
  return (input.dirs.length || input.files.length > 1 ? base : base.replace(/(\.gz)?$/i, '').replace(/\.[a-z0-9]+$/i, '')) || 'dataset'
}

const LABEL_ROLE = (shape: number[]) => (shape.length === 1 ? 'labels' : 'images')

/** Builds the import dialog's description of what was dropped. */
export async function inspect(input: ResolvedInput, opts: ImportOptions = {}): Promise<InspectResult> {
  const d = await detect(input, opts.format)
  const base: InspectResult = {
    format: d.format, formatLabel: '', files: [], totalBytes: 0, count: 0, countExact: true, inputShape: null, csv: null,
    columns: [], images: null, classNames: [], proposedTarget: null, proposedTask: 'classification', officialSplit: false,
    suggestedName: suggestName(input), warnings: []
  }
  switch (d.format) {
    case 'csv':
    case 'jsonl': {
      const f = d.files[0]!
      const s = await sampleTabular(f, d.format, opts.csv)
      const cols = describeColumns(s)
      const { target, task } = proposeTarget(cols, s)
      const delimName = s.dialect ? ({ ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' } as Record<string, string>)[s.dialect.delimiter] ?? JSON.stringify(s.dialect.delimiter) : ''
      return {
        ...base, formatLabel: d.format === 'csv' ? `${s.dialect?.delimiter === '\t' ? 'TSV' : 'CSV'} (${delimName}-separated, ${s.dialect?.hasHeader ? 'header row' : 'no header row'})` : 'JSON Lines',
        files: [{ name: f.name, bytes: f.bytes, role: 'table' }], totalBytes: f.bytes, count: s.estimatedRows, countExact: s.complete,
        csv: s.dialect ? { delimiter: s.dialect.delimiter, quote: '"', hasHeader: s.dialect.hasHeader, bom: s.dialect.bom, lineEnding: s.dialect.crlf ? 'crlf' : 'lf' } : null,
        columns: cols, proposedTarget: target, proposedTask: task,
        warnings: cols.filter((c) => c.type === 'text').map((c) => warn.textColumn(c.name))
      }
    }
    case 'idx': {
      const heads = await Promise.all(d.files.map(async (f) => {
        const { bytes } = await readStart(f, 32)
        const rank = bytes[3] ?? 0
        const shape: number[] = []
        for (let i = 0; i < rank && 4 + 4 * i + 4 <= bytes.length; i++) shape.push(bytes.readUInt32BE(4 + 4 * i))
        return { f, shape }
      }))
      const images = heads.filter((h) => h.shape.length > 1)
      const labels = heads.filter((h) => h.shape.length === 1)
      let classes = 0
      for (const l of labels) {
        const arr = parseIdx(l.f, readWhole(l.f))
        for (const v of arr.data) classes = Math.max(classes, v + 1)
      }
      const splits = new Set(heads.map((h) => splitFromName(h.f.name)))
      const shape = images[0] ? images[0].shape.slice(1) : null
      return {
        ...base, formatLabel: 'IDX (MNIST-style)', files: heads.map((h) => ({ name: h.f.name, bytes: h.f.bytes, role: `${splitFromName(h.f.name) ?? ''} ${LABEL_ROLE(h.shape)}`.trim() })),
        totalBytes: d.files.reduce((a, f) => a + f.bytes, 0), count: images.reduce((a, h) => a + (h.shape[0] ?? 0), 0),
        inputShape: shape ? (shape.length === 2 ? [...shape, 1] : shape) : null,
        classNames: Array.from({ length: classes }, (_, i) => String(i)), proposedTarget: null, proposedTask: 'classification',
        officialSplit: splits.has('train') && splits.has('test'),
        warnings: [
          ...(images.length !== labels.length ? [warn.idxUnpaired()] : []),
          // Counts that disagree fail the import; say so before the person presses Import.
          ...images.flatMap((im) => {
            const l = labels.find((x) => splitFromName(x.f.name) === splitFromName(im.f.name))
            return l && l.shape[0] !== im.shape[0] ? [warn.idxCountMismatch(im.f.name, im.shape[0] ?? 0, l.f.name, l.shape[0] ?? 0)] : []
          })
        ]
      }
    }
    case 'cifar': {
      const batches = d.files.filter((f) => cifarLabelBytes(f.name, f.bytes) !== null)
      const lb = cifarLabelBytes(batches[0]!.name, batches[0]!.bytes)!
      const meta = d.files.find((f) => /batches\.meta|fine_label_names|label_names/i.test(f.name))
      const names = meta ? readWhole(meta).toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : []
      const k = lb === 1 ? 10 : 100
      return {
        ...base, formatLabel: `CIFAR-${k} binary batches`, files: d.files.map((f) => ({ name: f.name, bytes: f.bytes, role: cifarLabelBytes(f.name, f.bytes) ? `${splitFromName(f.name) ?? ''} batch`.trim() : 'class names' })),
        totalBytes: d.files.reduce((a, f) => a + f.bytes, 0), count: batches.reduce((a, f) => a + f.bytes / (CIFAR_PIXELS + lb), 0),
        inputShape: [32, 32, 3], classNames: names.length === k ? names : Array.from({ length: k }, (_, i) => String(i)),
        officialSplit: batches.some((f) => splitFromName(f.name) === 'test') && batches.some((f) => splitFromName(f.name) === 'train')
      }
    }
    case 'npy':
    case 'npz': {
      const arrays = d.format === 'npy' ? await Promise.all(d.files.map(async (f) => { const { shape } = parseNpy(f.name, (await readStart(f, 64 * 1024)).bytes, true); return { name: f.name, shape } })) : (await readNumpy(d.files)).map((a) => ({ name: a.name, shape: a.shape }))
      const x = arrays.find((a) => a.shape.length > 1) ?? arrays[0]!
      const tr = arrays.some((a) => /x_?train/i.test(a.name)) && arrays.some((a) => /x_?test/i.test(a.name))
      return {
        ...base, formatLabel: d.format === 'npz' ? 'NumPy archive (.npz)' : 'NumPy arrays (.npy)',
        files: arrays.map((a) => ({ name: a.name, bytes: 0, role: `[${a.shape.join(', ')}]` })),
        totalBytes: d.files.reduce((a, f) => a + f.bytes, 0), count: arrays.filter((a) => a.shape.length > 1 || a === x).reduce((s, a) => s + (a === x || /x_?test/i.test(a.name) ? a.shape[0] ?? 0 : 0), 0),
        inputShape: x.shape.slice(1), officialSplit: tr
      }
    }
    case 'images': {
      const listing = listImageFolders(d.dirs)
      const counts = listing.classNames.map((name, i) => ({ name, count: 0, i }))
      for (const f of listing.files) counts[f.label]!.count++
      const step = Math.max(1, Math.floor(listing.files.length / 300))
      const sizes = new Map<string, number>()
      const skipped = [...listing.skipped]
      let gray = true
      let decoded = 0
      for (let i = 0; i < listing.files.length; i += step) {
        const f = listing.files[i]!
        const head = f.bytes ? readImageHead(f.path) : Buffer.alloc(0)
        const s = imageSize(head)
        if (!s) { skipped.push({ name: f.name, reason: f.bytes ? 'not a readable image' : 'zero-byte file', code: f.bytes ? 'notReadable' : 'zeroByte' }); continue }
        const k = `${s.width}x${s.height}`
        sizes.set(k, (sizes.get(k) ?? 0) + 1)
        if (gray && decoded < 12 && f.bytes < 4 * 1024 * 1024) {
          try {
            const img = await decodeImageAsync(f.name, readWhole(f))
            decoded++
            for (let p = 0; p < img.data.length; p += 4 * 7) if (img.data[p] !== img.data[p + 1] || img.data[p] !== img.data[p + 2]) { gray = false; break }
          } catch { /* listed at import */ }
        }
      }
      const sorted = [...sizes].sort((a, b) => b[1] - a[1]).map(([k, count]) => { const [w, h] = k.split('x').map(Number); return { width: w!, height: h!, count } })
      const def = sorted[0] ?? { width: 32, height: 32 }
      const w = Math.min(512, def.width)
      const h = Math.min(512, def.height)
      const max = Math.max(...counts.map((c) => c.count))
      const min = Math.min(...counts.map((c) => c.count))
      return {
        ...base, formatLabel: 'Image folders (one sub-folder per class)',
        files: counts.map((c) => ({ name: `${c.name}/`, bytes: 0, role: `class folder, ${c.count} images` })),
        totalBytes: listing.files.reduce((a, f) => a + f.bytes, 0), count: listing.files.length,
        inputShape: [h, w, gray ? 1 : 3], classNames: listing.classNames,
        officialSplit: listing.official,
        images: { classes: counts.map(({ name, count }) => ({ name, count })), sizes: sorted.slice(0, 10), defaultWidth: w, defaultHeight: h, colorMode: gray ? 'grayscale' : 'rgb', skipped: skipped.slice(0, 200) },
        warnings: [
          ...(max >= 3 * min ? [warn.imbalanced(max, min)] : []),
          ...(sorted.length > 1 ? [warn.mixedSizes(sizes.size, w, h)] : []),
          ...(skipped.length ? [warn.willSkip(skipped.length)] : [])
        ]
      }
    }
  }
}
