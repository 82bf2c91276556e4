/**
 * The built-in sample datasets offered at first launch, so a newcomer can train in one click:
 * xor, spirals, iris and digits. Their source files live in resources/samples/ (real files: CSV
 * and MNIST-style IDX); `installSamples` converts each into a tensor cache folder under the
 * studio's datasets folder, once, and again only when the data changed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ModelSpec, Optimizer } from '../../preload/contract/types'
import { cacheSha256, readHeader, writeCache, type CacheHeader, type CacheInput } from './cache'
import { parseSimpleCsv } from './csvTable'
import { DIGIT_SIZE } from './digitsGenerator'
import { decodeIdx } from './idxFile'
import { stratifiedSplit, takeRows } from './stratifiedSplit'

/** Ids of the samples, in the order the UI lists them. */
export const SAMPLE_IDS = ['xor', 'spirals', 'iris', 'digits'] as const
export type SampleId = (typeof SAMPLE_IDS)[number]

/** Training settings that work well with a sample's suggested model (what one-click "Train" uses). */
export interface SuggestedTraining {
  optimizer: Optimizer
  learningRate: number
  batchSize: number
  epochs: number
}

/** One installed sample: its description and where its cache lives. */
export interface SampleInfo {
  id: SampleId
  name: string
  /** One or two English sentences for the dataset list. */
  description: string
  /** Where the data comes from (attribution / how it was made). */
  source: string
  /** The model template that trains well on it. */
  suggested: ModelSpec
  /** Optimizer, learning rate, batch size and epochs that go with `suggested`. */
  suggestedTraining: SuggestedTraining
  /** The cache header (shapes, classes, split sizes, sha256, bytes). */
  header: CacheHeader
  /** Absolute path of the cache folder (`<datasetsRoot>/<id>`). */
  dir: string
}

interface SampleDef {
  id: SampleId
  name: string
  description: string
  source: string
  suggested: ModelSpec
  suggestedTraining: SuggestedTraining
  build: (samplesDir: string) => CacheInput
}

/** Seed of every sample's train/validation split. */
const SPLIT_SEED = 7
const VAL_FRACTION = 0.2

function buildXor(): CacheInput {
  const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1])
  const y = new Int32Array([0, 1, 1, 0])
  // Four points cannot be split: the network must fit all of them, so train and val are the same.
  return {
    name: 'XOR', task: 'classification', inputShape: [2], classNames: ['0', '1'], featureNames: ['a', 'b'],
    xDtype: 'float32', xScale: 1, splits: { train: { x, y }, val: { x: x.slice(), y: y.slice() } }
  }
}

function buildSpirals(samplesDir: string): CacheInput {
  const table = parseSimpleCsv(readFileSync(path.join(samplesDir, 'spirals.csv'), 'utf8'))
  const n = table.rows.length
  const x = new Float32Array(n * 2)
  const y = new Int32Array(n)
  table.rows.forEach((r, i) => {
    x[2 * i] = Number(r[0]); x[2 * i + 1] = Number(r[1]); y[i] = Number(r[2])
  })
  const { train, val } = stratifiedSplit(y, VAL_FRACTION, SPLIT_SEED)
  return {
    name: 'Two spirals', task: 'classification', inputShape: [2], classNames: ['spiral A', 'spiral B'], featureNames: ['x1', 'x2'],
    xDtype: 'float32', xScale: 1,
    splits: {
      train: { x: takeRows(x, 2, train, (k) => new Float32Array(k)), y: takeRows(y, 1, train, (k) => new Int32Array(k)) },
      val: { x: takeRows(x, 2, val, (k) => new Float32Array(k)), y: takeRows(y, 1, val, (k) => new Int32Array(k)) }
    }
  }
}

/** Iris class names as they appear in the CSV, in label order. */
export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'] as const

function buildIris(samplesDir: string): CacheInput {
  const table = parseSimpleCsv(readFileSync(path.join(samplesDir, 'iris.csv'), 'utf8'))
  const n = table.rows.length
  const x = new Float32Array(n * 4)
  const y = new Int32Array(n)
  table.rows.forEach((r, i) => {
    for (let j = 0; j < 4; j++) x[4 * i + j] = Number(r[j])
    const c = IRIS_CLASSES.indexOf(r[4] as (typeof IRIS_CLASSES)[number])
    if (c < 0) throw new Error(`iris.csv line ${i + 2}: unknown species ${r[4]}`)
    y[i] = c
  })
  const { train, val } = stratifiedSplit(y, VAL_FRACTION, SPLIT_SEED)
  const xt = takeRows(x, 4, train, (k) => new Float32Array(k))
  const xv = takeRows(x, 4, val, (k) => new Float32Array(k))
  // Standardize with train statistics only: the validation split must not leak into training.
  for (let j = 0; j < 4; j++) {
    let mean = 0
    for (let i = 0; i < train.length; i++) mean += xt[4 * i + j]!
    mean /= train.length
    let v = 0
    for (let i = 0; i < train.length; i++) v += (xt[4 * i + j]! - mean) ** 2
    const sd = Math.sqrt(v / train.length) || 1
    for (const arr of [xt, xv]) for (let i = 0; i < arr.length / 4; i++) arr[4 * i + j] = (arr[4 * i + j]! - mean) / sd
  }
  return {
    name: 'Iris', task: 'classification', inputShape: [4], classNames: [...IRIS_CLASSES],
    featureNames: table.columns.slice(0, 4), xDtype: 'float32', xScale: 1,
    splits: {
      train: { x: xt, y: takeRows(y, 1, train, (k) => new Int32Array(k)) },
      val: { x: xv, y: takeRows(y, 1, val, (k) => new Int32Array(k)) }
    }
  }
}

/** File names of the digits sample, MNIST's names. */
export const DIGITS_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  valImages: 't10k-images-idx3-ubyte.gz',
  valLabels: 't10k-labels-idx1-ubyte.gz'
} as const

function readDigitSplit(dir: string, images: string, labels: string): { x: Uint8Array; y: Int32Array } {
  const img = decodeIdx(readFileSync(path.join(dir, images)))
  const lab = decodeIdx(readFileSync(path.join(dir, labels)))
  if (img.shape.length !== 3 || img.shape[1] !== DIGIT_SIZE || img.shape[2] !== DIGIT_SIZE || lab.shape[0] !== img.shape[0]) {
    throw new Error(`${images}/${labels}: shapes [${img.shape.join(', ')}] and [${lab.shape.join(', ')}] are not ${DIGIT_SIZE}×${DIGIT_SIZE} images with one label each`)
  }
  return { x: img.data, y: Int32Array.from(lab.data) }
}

function buildDigits(samplesDir: string): CacheInput {
  const dir = path.join(samplesDir, 'digits')
  return {
    name: 'Digits (synthetic)', task: 'classification', inputShape: [DIGIT_SIZE, DIGIT_SIZE, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], xDtype: 'uint8', xScale: 1 / 255,
    splits: {
      train: readDigitSplit(dir, DIGITS_FILES.trainImages, DIGITS_FILES.trainLabels),
      val: readDigitSplit(dir, DIGITS_FILES.valImages, DIGITS_FILES.valLabels)
    }
  }
}

const SAMPLES: SampleDef[] = [
  {
    id: 'xor', name: 'XOR',
    description: 'The four points of exclusive-or: the smallest problem a straight line cannot separate. A network with one small hidden layer solves it.',
    source: 'Built in (the XOR truth table).',
    suggested: { template: 'mlp', hidden: [8], activation: 'tanh' },
    suggestedTraining: { optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 200 },
    build: buildXor
  },
  {
    id: 'spirals', name: 'Two spirals',
    description: '1,000 points on two interleaved spirals in the plane, with a little noise. Needs a multi-layer network; watch the decision boundary wind around.',
    source: 'Generated by the studio from a fixed seed (resources/samples/spirals.csv).',
    suggested: { template: 'mlp', hidden: [64, 64], activation: 'relu' },
    suggestedTraining: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 100 },
    build: buildSpirals
  },
  {
    id: 'iris', name: 'Iris',
    description: "Fisher's 150 iris flowers: four measurements (sepal and petal length and width) and three species. Features are standardized with training-split statistics.",
    source: 'R. A. Fisher (1936), "The use of multiple measurements in taxonomic problems"; public domain (UCI Machine Learning Repository).',
    suggested: { template: 'mlp', hidden: [16], activation: 'relu' },
    suggestedTraining: { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 100 },
    build: buildIris
  },
  {
    id: 'digits', name: 'Digits (synthetic)',
    description: '3,600 handwritten-style 28×28 digits 0–9 (3,000 train, 600 validation), rendered with random strokes, slant and size. A small MNIST for trying convolutional networks.',
    source: 'Generated by the studio from stroke templates and a fixed seed (MNIST IDX format, resources/samples/digits/).',
    suggested: { template: 'cnn', filters: [16, 32], denseUnits: 64 },
    suggestedTraining: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 5 },
    build: buildDigits
  }
]

/**
 * Finds resources/samples: next to the sources in development and tests, next to out/ when built,
 * and in Electron's resources folder when packaged. Throws when none holds the sample files.
 */
export function findSamplesDir(): string {
  const candidates: string[] = []
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath
  if (resourcesPath) candidates.push(path.join(resourcesPath, 'samples'), path.join(resourcesPath, 'resources', 'samples'))
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    candidates.push(path.join(dir, 'resources', 'samples'))
    dir = path.dirname(dir)
  }
  const found = candidates.find((c) => existsSync(path.join(c, 'iris.csv')))
  if (!found) throw new Error(`sample datasets not found (looked in ${candidates.join(', ')})`)
  return found
}

/**
 * Builds the cache input of one sample from its source files, without writing anything. Exposed
 * for tests and for tools that want the arrays directly.
 */
export function buildSampleInput(id: SampleId, samplesDir: string = findSamplesDir()): CacheInput {
  const def = SAMPLES.find((s) => s.id === id)
  if (!def) throw new Error(`unknown sample ${id}`)
  return def.build(samplesDir)
}

/** Whether every split file a header announces exists with the size the header implies. */
function splitFilesIntact(dir: string, h: CacheHeader): boolean {
  const size = h.inputShape.reduce((a, b) => a * b, 1) * (h.xDtype === 'uint8' ? 1 : 4)
  for (const [name, info] of Object.entries(h.splits)) {
    if (!info) continue
    try {
      if (statSync(path.join(dir, `${name}.x.bin`)).size !== info.count * size) return false
      if (statSync(path.join(dir, `${name}.y.bin`)).size !== info.count * 4) return false
    } catch {
      return false
    }
  }
  return true
}

/**
 * Makes sure every sample has an up-to-date cache folder `<datasetsRoot>/<id>` and describes them.
 * Called by main at start-up (or when the user asks for the samples). Idempotent: a cache whose
 * sha256 already matches the source data is left untouched; a missing, corrupt or outdated one is
 * (re)written atomically. Takes about a tenth of a second when nothing needs writing.
 */
export function installSamples(datasetsRoot: string, samplesDir: string = findSamplesDir()): SampleInfo[] {
  return SAMPLES.map((def) => {
    const input = def.build(samplesDir)
    const dir = path.join(datasetsRoot, def.id)
    const want = cacheSha256(input)
    let header: CacheHeader | null = null
    try {
      const h = readHeader(dir)
      if (h.sha256 === want && splitFilesIntact(dir, h)) header = h
    } catch {
      header = null // missing or unreadable: rewrite below
    }
    if (!header) header = writeCache(dir, input)
    return {
      id: def.id, name: def.name, description: def.description, source: def.source,
      suggested: def.suggested, suggestedTraining: def.suggestedTraining, header, dir
    }
  })
}
