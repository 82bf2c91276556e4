/**
 * Turns a drop (DataTransfer) or a file-input pick into what an import starts from: absolute paths
 * in Electron (main reads the files in place), or the files with their relative paths in browser
 * mode (uploaded first). Dropped folders are walked with the entries API, keeping relative paths,
 * because an image folder's class sub-folders are its labels.
 */
import { shallowRef } from 'vue'
import { importsByPath, pathForFile } from '@renderer/api/bridge'
import type { DroppedFile } from '@renderer/api/upload'
import { pickedFolderPath } from '@renderer/lib/upload'

/** What to import: paths (Electron) or files to upload (browser). `label` names it for people. */
export type ImportInput =
  | { kind: 'paths'; paths: string[]; label: string }
  | { kind: 'files'; files: DroppedFile[]; label: string }

function labelOf(names: string[]): string {
  if (names.length === 0) return ''
  return names.length === 1 ? names[0]! : `${names[0]} (+${names.length - 1})`
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = []
    const next = (): void => reader.readEntries((batch) => {
      if (batch.length === 0) resolve(all)
      else { all.push(...batch); next() }
    }, reject)
    next()
  })
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject))
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name
  if (entry.isFile) {
    const file = await entryFile(entry as FileSystemFileEntry)
    out.push({ file, path, size: file.size })
  } else if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader())
    children.sort((a, b) => a.name.localeCompare(b.name))
    for (const c of children) await walk(c, path, out)
  }
}

/**
 * Reads a drop. Must be called synchronously inside the `drop` handler: a DataTransfer is emptied
 * when the handler returns, so the entries are taken first and walked afterwards.
 */
export function collectDrop(dt: DataTransfer): Promise<ImportInput> {
  const files = Array.from(dt.files)
  if (importsByPath()) {
    const paths = files.map((f) => pathForFile(f)).filter((p): p is string => p !== null)
    if (paths.length === 0 && files.length > 0) return Promise.reject(new Error('no-path'))
    return Promise.resolve({ kind: 'paths', paths, label: labelOf(files.map((f) => f.name)) })
  }
  const roots: Array<{ entry: FileSystemEntry | null; file: File | null }> = []
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue
    // Files a script put into a DataTransfer have no entry; the File itself is enough then.
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
    roots.push({ entry, file: entry ? null : item.getAsFile() })
  }
  if (roots.length === 0) for (const f of files) roots.push({ entry: null, file: f })
  return (async () => {
    const out: DroppedFile[] = []
    for (const r of roots) {
      if (r.entry) await walk(r.entry, '', out)
      else if (r.file) out.push({ file: r.file, path: r.file.name, size: r.file.size })
    }
    return { kind: 'files', files: out, label: labelOf(roots.map((r) => r.entry?.name ?? r.file?.name ?? '')) }
  })()
}

/** Reads an `<input type=file multiple>` or `<input webkitdirectory>` pick. */
export function collectPicked(list: FileList, folder: boolean): ImportInput {
  const files = Array.from(list)
  if (importsByPath()) {
    if (folder && files[0]) {
      const abs = pathForFile(files[0])
      const rel = files[0].webkitRelativePath
      if (abs && rel) return { kind: 'paths', paths: [pickedFolderPath(abs, rel)], label: rel.split('/')[0] ?? '' }
    }
    const paths = files.map((f) => pathForFile(f)).filter((p): p is string => p !== null)
    return { kind: 'paths', paths, label: labelOf(files.map((f) => f.name)) }
  }
  const out = files.map((f) => ({ file: f, path: f.webkitRelativePath || f.name, size: f.size }))
  const label = folder && files[0]?.webkitRelativePath ? files[0].webkitRelativePath.split('/')[0]! : labelOf(files.map((f) => f.name))
  return { kind: 'files', files: out, label }
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function dragHasFiles(e: DragEvent): boolean {
  const types = e.dataTransfer?.types
  return !!types && Array.from(types).includes('Files')
}

/**
 * A view that takes dropped files itself instead of the dataset import (the composer takes a
 * model.json). While set, the window-wide drop overlay shows `title` and hands the files to `take`.
 */
export const dropClaim = shallowRef<{ title: string; hint: string; take: (files: File[]) => void } | null>(null)
