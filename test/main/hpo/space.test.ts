import { describe, expect, it } from 'vitest'
import { Rng } from '../../../main/hpo/random'
import { applyParams, checkParams, fromUnit, getByPath, parseSearchSpace, serializeSearchSpace, SpaceEncoder, toUnit, validateSearchSpace, type SearchSpace } from '../../../main/hpo/space'
import { sampleUniform } from '../../../main/hpo/samplers/randomSampler'
import { mixedSpace } from './helpers'

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds and keys', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(42)))
    const b = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(42)))
    const c = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(43)))
    const d = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(42, 1)))
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(a).not.toEqual(d)
  })
  it('gives uniform [0,1) and standard normal moments', () => {
    const r = new Rng(7)
    const u = Array.from({ length: 20000 }, () => r.random())
    const z = Array.from({ length: 20000 }, () => r.normal())
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...u)).toBeLessThan(1)
    expect(mean(u)).toBeCloseTo(0.5, 1)
    expect(mean(z)).toBeCloseTo(0, 1)
    expect(mean(z.map((x) => x * x))).toBeCloseTo(1, 1)
  })
})

describe('search space validation', () => {
  const msgs = (space: SearchSpace): string[] => validateSearchSpace(space)
  it('accepts a valid mixed, conditional space', () => {
    expect(msgs(mixedSpace)).toEqual([])
  })
  it('names the parameter and the problem', () => {
    expect(msgs({ params: [{ name: 'learningRate', kind: 'float', low: 0, high: 0.1, log: true }] })).toEqual(['learningRate: low 0 must be > 0 for a log scale'])
    expect(msgs({ params: [{ name: 'units', kind: 'int', low: 10, high: 5 }] })).toEqual(['units: low 10 must be ≤ high 5'])
    expect(msgs({ params: [{ name: 'units', kind: 'int', low: 1.5, high: 5 }] })).toEqual(['units: low 1.5 and high 5 must be integers'])
    expect(msgs({ params: [{ name: 'units', kind: 'int', low: 1, high: 64, step: 2, log: true }] })).toEqual(['units: a log scale cannot have a step (other than 1 for integers)'])
    expect(msgs({ params: [{ name: 'bs', kind: 'discrete', values: [] }] })).toEqual(['bs: needs at least one value'])
    expect(msgs({ params: [{ name: 'act', kind: 'categorical', choices: ['relu', 'relu'] }] })).toEqual(['act: choices must be distinct'])
    expect(msgs({ params: [{ name: 'a', kind: 'int', low: 0, high: 1 }, { name: 'a', kind: 'int', low: 0, high: 1 }] })).toEqual(['a: duplicate parameter name'])
    expect(msgs({ params: [{ name: 'model..x', kind: 'int', low: 0, high: 1 }] })).toEqual(['model..x: name must be a dotted path like "model.hidden.0"'])
  })
  it('checks conditions: parent declared first, categorical, values among its choices', () => {
    expect(msgs({ params: [{ name: 'm', kind: 'float', low: 0, high: 1, when: { parent: 'opt', values: ['sgd'] } }, { name: 'opt', kind: 'categorical', choices: ['sgd'] }] })).toEqual([
      'm: parent "opt" must be declared before it'
    ])
    expect(msgs({ params: [{ name: 'opt', kind: 'int', low: 0, high: 1 }, { name: 'm', kind: 'float', low: 0, high: 1, when: { parent: 'opt', values: [1] } }] })).toEqual(['m: parent "opt" must be categorical'])
    expect(msgs({ params: [{ name: 'opt', kind: 'categorical', choices: ['adam'] }, { name: 'm', kind: 'float', low: 0, high: 1, when: { parent: 'opt', values: ['sgd'] } }] })).toEqual([
      'm: condition value "sgd" is not a choice of "opt"'
    ])
  })
  it('round-trips through JSON with the zod schema and rejects bad shapes', () => {
    expect(parseSearchSpace(JSON.parse(serializeSearchSpace(mixedSpace)))).toEqual(mixedSpace)
    expect(() => parseSearchSpace({ params: [{ name: 'x', kind: 'weird' }] })).toThrow(/invalid search space/)
    expect(() => parseSearchSpace({ params: [{ name: 'lr', kind: 'float', low: 0, high: 1, log: true }] })).toThrow('lr: low 0 must be > 0 for a log scale')
  })
})

describe('encoding', () => {
  it('round-trips sampled configurations through the unit cube (one-hot and index)', () => {
    const rng = new Rng(3)
    for (const mode of ['onehot', 'index'] as const) {
      const enc = new SpaceEncoder(mixedSpace, mode)
      expect(enc.dim).toBe(mode === 'onehot' ? 10 : 8) // 6 numeric + 2 + 2 one-hot columns
      for (let i = 0; i < 200; i++) {
        const p = sampleUniform(mixedSpace, rng)
        expect(checkParams(mixedSpace, p)).toEqual([])
        const u = enc.encode(p)
        for (const x of u) expect(x >= 0 && x <= 1).toBe(true)
        expect(enc.decode(u)).toEqual(p)
      }
    }
  })
  it('decodes any point of the cube to a legal configuration, dropping inactive children', () => {
    const rng = new Rng(5)
    const enc = new SpaceEncoder(mixedSpace)
    for (let i = 0; i < 200; i++) {
      const p = enc.decode(Array.from({ length: enc.dim }, () => rng.random()))
      expect(checkParams(mixedSpace, p)).toEqual([])
      expect('momentum' in p).toBe(p.optimizer === 'sgd')
    }
  })
  it('maps log scales, steps and cells as documented', () => {
    const lr = mixedSpace.params[0]!
    expect(toUnit(lr, 1e-4)).toBeCloseTo(0)
    expect(toUnit(lr, Math.sqrt(1e-4 * 0.5))).toBeCloseTo(0.5)
    const drop = mixedSpace.params[1]!
    expect(fromUnit(drop, 0)).toBe(0)
    expect(fromUnit(drop, 1)).toBe(0.5)
    expect(fromUnit(drop, 0.45)).toBe(0.2) // 6 cells of width 1/6: u=0.45 is in the 3rd; 0.2 prints cleanly
    const bs = mixedSpace.params[4]!
    expect([0.1, 0.5, 0.9].map((u) => fromUnit(bs, u))).toEqual([500, 1000, 2000])
  })
  it('every grid value of an int is equally likely under a uniform u', () => {
    const layers = mixedSpace.params[2]!
    const rng = new Rng(1)
    const counts = new Map<unknown, number>()
    for (let i = 0; i < 8000; i++) {
      const v = fromUnit(layers, rng.random())
      counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4])
    for (const c of counts.values()) expect(Math.abs(c - 2000)).toBeLessThan(200)
  })
})

describe('applyParams', () => {
  it('writes dotted paths into a copy, indexing arrays and creating missing nodes', () => {
    const config = { learningRate: 0.1, model: { hidden: [32, 32] }, optimizer: { name: 'adam' } }
    const out = applyParams(config, { learningRate: 0.02, 'model.hidden.0': 64, 'optimizer.name': 'sgd', 'schedule.warmup': 3 })
    expect(out).toEqual({ learningRate: 0.02, model: { hidden: [64, 32] }, optimizer: { name: 'sgd' }, schedule: { warmup: 3 } })
    expect(config.model.hidden[0]).toBe(32)
    expect(getByPath(out, 'model.hidden.1')).toBe(32)
    expect(getByPath(out, 'model.nope.x')).toBeUndefined()
  })
})
