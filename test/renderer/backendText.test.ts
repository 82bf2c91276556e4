/**
 * Sentences from main in Korean (backend messages issue): every key main can send has an English
 * and a Korean message with the same placeholders, the values are filled in, and anything without
 * a known key falls back to main's English sentence.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from '../../renderer/src/i18n/en'
import ko from '../../renderer/src/i18n/ko'
import { fallbackReasonText, graphIssueText, importErrorText, noticeText, skipReasonText } from '../../renderer/src/lib/backendText'
import { analyzeGraph, type GraphNode, type GraphSpec } from '../../preload/contract/model'
import type { ImportErrorInfo } from '../../preload/contract/types'

const root = path.resolve(__dirname, '../..')
const src = (rel: string) => readFileSync(path.join(root, rel), 'utf8')
const i18n = createI18n({ legacy: false, locale: 'ko', fallbackLocale: 'en', messages: { en, ko }, missingWarn: false, fallbackWarn: false })
const g = i18n.global
const t = (k: string, p: Record<string, unknown>) => g.t(k, p)
const te = (k: string) => g.te(k)
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

type Group = Record<string, string>
function expectBoth(group: 'importErrors' | 'skipReasons' | 'graphIssues' | 'fallbackReasons' | 'notices', keys: Iterable<string>): void {
  const e = (en as unknown as Record<string, Group>)[group]!
  const k = (ko as unknown as Record<string, Group>)[group]!
  for (const key of keys) {
    expect({ group, key, en: typeof e[key] }).toEqual({ group, key, en: 'string' })
    expect({ group, key, ko: typeof k[key] }).toEqual({ group, key, ko: 'string' })
    expect({ key, p: placeholders(k[key]!) }).toEqual({ key, p: placeholders(e[key]!) })
    expect({ key, same: k[key] === e[key] }).toEqual({ key, same: false })
  }
}

describe('every key main sends has English and Korean text', () => {
  it('import errors (every detail(…) and key: in main/datasets)', () => {
    const dir = path.join(root, 'main/datasets')
    const keys = new Set<string>()
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const s = readFileSync(path.join(dir, f), 'utf8')
      for (const m of s.matchAll(/detail\((?:[^'\n]*\? )?'(\w+)'(?: : '(\w+)')?/g)) { keys.add(m[1]!); if (m[2]) keys.add(m[2]) }
      for (const m of s.matchAll(/detail\(b\.kind === 'num' \? '(\w+)' : b\.kind === 'bool' \? '(\w+)' : '(\w+)'/g)) m.slice(1).forEach((k) => keys.add(k!))
      for (const m of s.matchAll(/\bkey: '(\w+)'/g)) keys.add(m[1]!)
    }
    expect(keys.size).toBeGreaterThan(50)
    expectBoth('importErrors', keys)
    // No message without a sender: every importErrors key is used by main.
    const all = [...readdirSync(dir)].filter((x) => x.endsWith('.ts')).map((x) => readFileSync(path.join(dir, x), 'utf8')).join('\n')
    for (const key of Object.keys(en.importErrors)) expect({ key, used: all.includes(`'${key}'`) }).toEqual({ key, used: true })
  })

  it('skipped-file reasons (the image decode keys and the listing codes)', () => {
    const codes = new Set<string>()
    for (const f of ['main/datasets/images.ts', 'main/datasets/detect.ts']) {
      for (const m of src(f).matchAll(/code: (?:[^,}]*\? )?'(\w+)'(?: : '(\w+)')?/g)) { codes.add(m[1]!); if (m[2]) codes.add(m[2]) }
    }
    for (const m of src('main/datasets/images.ts').matchAll(/detail\((?:[^'\n]*\? )?'(image\w+)'(?: : '(\w+)')?/g)) { codes.add(m[1]!); if (m[2]) codes.add(m[2]) }
    expect([...codes]).toEqual(expect.arrayContaining(['notImageName', 'emptyClassFolder', 'notReadable', 'zeroByte', 'imageZeroByte', 'imageDamaged', 'imageExtNotImage', 'imageNotImage', 'imageTooLarge']))
    expectBoth('skipReasons', codes)
  })

  it('composer graph issues (every key literal in analyze.ts, and no unused message)', () => {
    const NOT_KEYS = new Set(['valid', 'number', 'warning', 'same', 'error', 'strides', 'sigmoid', 'rank', 'unknown', 'softmax', 's', 'units',
      'poolSize', 'kernelSize', 'filters', 'tanh', 'string', 'recurrentRegularizer', 'outputDim', 'linear', 'leakyRelu', 'l2', 'l1',
      'kernelRegularizer', 'inputDim', 'depthMultiplier', 'classification', 'biasRegularizer'])
    const lits = new Set([...src('preload/contract/model/analyze.ts').matchAll(/'([a-z][a-zA-Z0-9]*)'/g)].map((m) => m[1]!))
    const keys = [...lits].filter((k) => !NOT_KEYS.has(k))
    expect(keys.length).toBeGreaterThan(55)
    expectBoth('graphIssues', keys)
    for (const key of Object.keys(en.graphIssues)) expect({ key, used: lits.has(key) }).toEqual({ key, used: true })
  })

  it('backend fallback reasons (every reason(…) code in main/trainer/backend.ts)', () => {
    const s = src('main/trainer/backend.ts')
    const codes = new Set<string>()
    for (const m of s.matchAll(/reason\((?:`[^`]*`|'[^']*'), (?:[^,]*\? )?'(\w+)'(?: : '(\w+)')?/g)) { codes.add(m[1]!); if (m[2]) codes.add(m[2]) }
    for (const m of s.matchAll(/'(hintGpu|hintNode|gpuLoadFailed|nodeLoadFailed)'/g)) codes.add(m[1]!)
    expect(codes.size).toBeGreaterThanOrEqual(12)
    expectBoth('fallbackReasons', codes)
  })

  it('trainer notices (every notice key in main/trainer/train.ts and entry.ts)', () => {
    const s = src('main/trainer/train.ts') + src('main/trainer/entry.ts')
    const keys = new Set<string>()
    for (const m of s.matchAll(/`,\s*(?:restored \? )?'(\w+)'(?: : '(\w+)')?, \{/g)) { keys.add(m[1]!); if (m[2]) keys.add(m[2]) }
    for (const m of s.matchAll(/key: r\.after < r\.before \? '(\w+)' : '(\w+)'/g)) { keys.add(m[1]!); keys.add(m[2]!) }
    expect([...keys].sort()).toEqual(Object.keys(en.notices).sort())
    expectBoth('notices', keys)
  })
})

describe('values are filled in', () => {
  const err: ImportErrorInfo = {
    code: 'ragged_rows', message: 'big.csv line 12345: 3 fields, expected 4 (as in the header row). Rows must all have the same number of ","-separated fields.',
    file: 'big.csv', line: 12345, key: 'raggedRows', params: { file: 'big.csv', line: 12345, found: 3, expected: 4 }
  }
  it('a Korean import error with file, line (grouped), found and expected', () => {
    expect(importErrorText(err, t, te, 'ko')).toBe('big.csv 12,345행: 필드가 3개인데 4개여야 합니다. 모든 행의 필드 수가 같아야 합니다.')
  })
  it('English shows main\'s own sentence; an unknown key or none falls back to it', () => {
    expect(importErrorText(err, t, te, 'en')).toBe(err.message)
    expect(importErrorText({ ...err, key: 'fromTheFuture' }, t, te, 'ko')).toBe(err.message)
    const { key: _k, params: _p, ...old } = err
    expect(importErrorText(old, t, te, 'ko')).toBe(err.message)
  })
  it('skipped reasons: coded in Korean, plain strings from older datasets as they are', () => {
    expect(skipReasonText({ name: 'a/x.png', reason: 'the PNG data is damaged or cut short (bad crc).', code: 'imageDamaged', params: { file: 'a/x.png', kind: 'PNG', detail: 'bad crc' } }, t, te, 'ko'))
      .toBe('PNG 데이터가 손상되었거나 끊김(bad crc)')
    expect(skipReasonText({ name: 'a/y.png', reason: 'not a readable image' }, t, te, 'ko')).toBe('not a readable image')
  })
  it('every Korean message renders with no placeholder left when given its values', () => {
    for (const group of ['importErrors', 'skipReasons', 'graphIssues', 'fallbackReasons', 'notices'] as const) {
      for (const [key, msg] of Object.entries((ko as unknown as Record<string, Group>)[group]!)) {
        const params = Object.fromEntries(placeholders(msg).map((p) => [p, `<${p}>`]))
        const out = t(`${group}.${key}`, params)
        expect({ key, left: /\{\w+\}/.test(out) }).toEqual({ key, left: false })
        for (const p of Object.keys(params)) expect(out).toContain(`<${p}>`)
      }
    }
  })
})

describe('composer issues from analyzeGraph', () => {
  const node = (id: string, kind: GraphNode['kind'], inputs: string[], params: Record<string, unknown> = {}): GraphNode => ({ id, kind, inputs, params } as GraphNode)
  const spec = (nodes: GraphNode[], outputs: string[]): GraphSpec => ({ format: 'studio-graph', version: 1, nodes, outputs } as GraphSpec)
  const broken: GraphSpec[] = [
    spec([node('in', 'Input', []), node('c', 'Conv2D', ['in'], { filters: 8, kernelSize: 3 }), node('d', 'Dense', ['c'], { units: 10, activation: 'softmax' })], ['d']),
    spec([node('in', 'Input', []), node('d', 'Dense', ['in'], { units: 0 }), node('x', 'Dropout', ['in'], { rate: 2 })], ['d']),
    spec([node('in', 'Input', []), node('a', 'Dense', ['in'], { units: 4 }), node('b', 'Dense', ['in'], { units: 5 }), node('s', 'Add', ['a', 'b']), node('o', 'Dense', ['s'], { units: 3, activation: 'relu' })], ['o']),
    spec([node('in', 'Input', []), node('r', 'Reshape', ['in'], { targetShape: [5, 5] }), node('o', 'Dense', ['r'], { units: 10 })], ['o']),
    spec([node('in', 'Input', []), node('o', 'Dense', ['in'], { units: 10, activation: 'softmax' }), node('lost', 'Dense', [], { units: 2 })], ['o'])
  ]
  const data = { inputShape: [784], task: 'classification' as const, numClasses: 3 }
  const issues = broken.flatMap((s) => { const a = analyzeGraph(s, data); return [...a.errors, ...a.warnings] })
  it('every issue has a key with a Korean message, and the Korean names the same layers and numbers', () => {
    expect(issues.length).toBeGreaterThan(6)
    for (const i of issues) {
      expect({ m: i.message, key: typeof i.key }).toEqual({ m: i.message, key: 'string' })
      const k = graphIssueText(i, i.message, t, te, 'ko')
      expect({ m: i.message, k, ko: /[가-힣]/.test(k), left: /\{\w+\}/.test(k) }).toEqual({ m: i.message, k, ko: true, left: false })
      for (const v of Object.values(i.params ?? {})) if (typeof v === 'string' && /^\w+$/.test(v)) expect(k).toContain(v)
      expect(graphIssueText(i, i.message, t, te, 'en')).toBe(i.message)
    }
  })
  it('a Conv2D on flat input reads fully in Korean, with the Reshape it suggests', () => {
    const i = issues.find((x) => x.key === 'rankConv2DReshape')!
    expect(graphIssueText(i, i.message, t, te, 'ko')).toBe('Conv2D에는 3차원 입력(높이×너비×채널)이 필요한데 784(1-D)이(가) 들어옵니다. 이미지 데이터셋을 쓰거나 앞에 [28, 28, 1](으)로 바꾸는 Reshape를 추가하세요.')
  })
  it('an issue without a key still gets the pattern translation or the Korean headline', () => {
    const old = { nodeId: 'x', code: 'bad-param' as const, severity: 'error' as const, message: 'something new the patterns do not know' }
    expect(graphIssueText(old, old.message, t, te, 'ko')).toBe(`${ko.composer.issues['bad-param']} — ${old.message}`)
  })
})

describe('trainer notices', () => {
  it('the thread share in Korean with both numbers; English keeps the trainer\'s sentence', () => {
    const n = { code: 'threads', at: 1, message: 'The studio engine now uses 1 thread (was 2): another run started and the cores are shared.', key: 'threadsShared', params: { after: 1, before: 2 } }
    expect(noticeText(n, t, te, 'ko')).toBe('스튜디오 엔진이 이제 스레드 1개를 씁니다(이전 2개). 다른 실행이 시작되어 코어를 나눠 씁니다.')
    expect(noticeText(n, t, te, 'en')).toBe(n.message)
    expect(noticeText({ code: 'engine', at: 2, message: 'old notice' }, t, te, 'ko')).toBe('old notice')
  })
})

describe('why not a faster backend', () => {
  const info = {
    fallbackReason: '@tensorflow/tfjs-node-gpu is not installed: run …; @tensorflow/tfjs-node is not installed: run …',
    fallbackReasons: [{ code: 'gpuMissing', params: { pkg: '@tensorflow/tfjs-node-gpu' } }, { code: 'nodeMissing', params: { pkg: '@tensorflow/tfjs-node' } }]
  }
  it('each reason in Korean, joined', () => {
    const k = fallbackReasonText(info, t, te, 'ko')
    expect(k.startsWith('@tensorflow/tfjs-node-gpu가')).toBe(true)
    expect(k).toContain('@tensorflow/tfjs-node-gpu가 설치되어 있지 않습니다')
    expect(k).toContain('“npm install @tensorflow/tfjs-node”')
  })
  it('English, records without codes, and unknown codes keep main\'s sentence', () => {
    expect(fallbackReasonText(info, t, te, 'en')).toBe(info.fallbackReason)
    expect(fallbackReasonText({ fallbackReason: 'x' }, t, te, 'ko')).toBe('x')
    expect(fallbackReasonText({ ...info, fallbackReasons: [...info.fallbackReasons, { code: 'new', params: {} }] }, t, te, 'ko')).toBe(info.fallbackReason)
  })
})
