/**
 * Fuzz: valid files of every format, mutated (truncated, bytes flipped, segments spliced), must
 * import or fail with a typed error — never an untyped crash ('internal'), a hang, or a partial
 * dataset left behind. Seeded and bounded (a few hundred imports, a few seconds).
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSplit } from '../../../main/datasets/cache'
import { tempDir } from '../../helpers/tmp'
import { gzipSync, inputOf, lcg, tabularText, webpBytes, writeCifar, writeIdxSet, writeImageFolders, writeNpyPair, writeNpz } from './importFixtures'
import { importInProcess } from './importHarness'

let t: ReturnType<typeof tempDir>
beforeAll(() => { t = tempDir('studio-fuzz-') })
afterAll(() => t.cleanup())

type Mutation = (b: Buffer, r: () => number) => Buffer
const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, r) => b.subarray(0, Math.floor(r() * b.length)),
  flip: (b, r) => {
    const c = Buffer.from(b)
    const n = 1 + Math.floor(r() * 8)
    for (let i = 0; i < n && c.length; i++) { const k = Math.floor(r() * c.length); c[k] = c[k]! ^ (1 << Math.floor(r() * 8)) }
    return c
  },
  splice: (b, r) => {
    const a = Math.floor(r() * b.length)
    const len = Math.floor(r() * Math.min(64, b.length - a))
    const at = Math.floor(r() * b.length)
    return Buffer.concat([b.subarray(0, at), b.subarray(a, a + len), b.subarray(at)])
  },
  header: (b, r) => { const c = Buffer.from(b); for (let i = 0; i < Math.min(16, c.length); i++) if (r() < 0.3) c[i] = Math.floor(r() * 256); return c }
}

/** A seed: files (and folders) to import, and which files the fuzzer may mutate. */
interface Seed { name: string; paths: string[]; targets: string[] }

function seeds(root: string): Seed[] {
  const s: Seed[] = []
  const file = (n: string, body: string | Buffer) => { const p = path.join(root, n); mkdirSync(path.dirname(p), { recursive: true }); writeFileSync(p, body); return p }
  const csv = file('csv/data.csv', tabularText(80)); s.push({ name: 'csv', paths: [csv], targets: [csv] })
  const tsv = file('tsv/data.tsv.gz', gzipSync(Buffer.from(tabularText(80, '\t')))); s.push({ name: 'tsv.gz', paths: [tsv], targets: [tsv] })
  const jl = file('jsonl/data.jsonl', Array.from({ length: 60 }, (_, i) => JSON.stringify({ a: i, b: `k${i % 3}`, y: i % 2 })).join('\n'))
  s.push({ name: 'jsonl', paths: [jl], targets: [jl] })
  const idx = writeIdxSet(path.join(root, 'idx'), 40, 12, true); s.push({ name: 'idx.gz', paths: idx, targets: idx })
  const idxRaw = writeIdxSet(path.join(root, 'idxraw'), 40, 12, false); s.push({ name: 'idx', paths: idxRaw, targets: idxRaw })
  const img = writeImageFolders(path.join(root, 'img'), 4)
  s.push({ name: 'images', paths: [img], targets: ['cats/c0.png', 'dogs/d0.jpg', 'birds/b0.gif'].map((p) => path.join(img, p)) })
  const cifar = writeCifar(path.join(root, 'cifar'), 12, 6); s.push({ name: 'cifar', paths: cifar, targets: cifar.slice(0, 2) })
  const np = writeNpyPair(path.join(root, 'npy'), 30); s.push({ name: 'npy', paths: np, targets: np })
  const npz = writeNpz(path.join(root, 'npz.npz'), 12, 6); s.push({ name: 'npz', paths: [npz], targets: [npz] })
  return s
}

function copyTree(src: string, dst: string): void {
  if (statSync(src).isDirectory()) {
    mkdirSync(dst, { recursive: true })
    for (const e of readdirSync(src)) copyTree(path.join(src, e), path.join(dst, e))
  } else { mkdirSync(path.dirname(dst), { recursive: true }); copyFileSync(src, dst) }
}

const ITERATIONS_PER_SEED = Number(process.env.FUZZ_ITERATIONS ?? 36)

describe('import fuzz', () => {
  it('mutated files of every format import or fail with a typed error, nothing partial left', async () => {
    const pristine = path.join(t.dir, 'pristine')
    const all = seeds(pristine)
    const webp = path.join(pristine, 'img', 'birds', 'w0.webp')
    writeFileSync(webp, await webpBytes(16, 16, [90, 120, 150]))
    all.find((x) => x.name === 'images')!.targets.push(webp)
    const out = path.join(t.dir, 'out')
    mkdirSync(out)
    const r = lcg(Number(process.env.FUZZ_SEED ?? 20261122))
    const tally: Record<string, number> = {}
    for (const seed of all) {
      for (let it = 0; it < ITERATIONS_PER_SEED; it++) {
        const work = path.join(t.dir, 'work')
        rmSync(work, { recursive: true, force: true })
        mkdirSync(work)
        const map = (p: string) => path.join(work, path.relative(pristine, p))
        for (const p of seed.paths) copyTree(p, map(p))
        const target = seed.targets[Math.floor(r() * seed.targets.length)]!
        const names = Object.keys(MUTATIONS)
        const m = names[Math.floor(r() * names.length)]!
        writeFileSync(map(target), MUTATIONS[m]!(readFileSync(target), r))
        const what = `${seed.name} #${it} ${m} ${path.basename(target)}`
        if (process.env.FUZZ_TRACE) process.stderr.write(`${what}\n`)
        const result = await Promise.race([
          importInProcess(out, inputOf(...seed.paths.map(map))),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: hung for 10 s`)), 10_000))
        ])
        if (result.ok) {
          for (const s of ['train', 'val', 'test'] as const) if (result.header.splits[s]) readSplit(result.dir, result.header, s)
          rmSync(result.dir, { recursive: true })
          tally.ok = (tally.ok ?? 0) + 1
        } else {
          expect(result.error.code, `${what}: ${result.error.message}`).not.toBe('internal')
          expect(result.error.message.length, what).toBeGreaterThan(10)
          tally[result.error.code] = (tally[result.error.code] ?? 0) + 1
        }
        expect(readdirSync(out), `${what}: left files behind`).toEqual([])
      }
    }
    // The fuzzer must exercise both outcomes, or it is not testing anything.
    expect(tally.ok).toBeGreaterThan(10)
    expect(Object.keys(tally).length).toBeGreaterThan(4)
  }, 60_000)
})
