import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import type { SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import type { Direction, Pruner, Trial } from '../../../main/hpo/types'

/** A mixed space with every parameter kind and a conditional branch (momentum, nesterov under sgd). */
export const mixedSpace: SearchSpace = {
  params: [
    { name: 'learningRate', kind: 'float', low: 1e-4, high: 0.5, log: true },
    { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.1 },
    { name: 'layers', kind: 'int', low: 1, high: 4 },
    { name: 'units', kind: 'int', low: 8, high: 512, log: true },
    { name: 'batchSize', kind: 'discrete', values: [500, 1000, 2000] },
    { name: 'optimizer', kind: 'categorical', choices: ['adam', 'sgd'] },
    { name: 'momentum', kind: 'float', low: 0, high: 0.99, when: { parent: 'optimizer', values: ['sgd'] } },
    { name: 'nesterov', kind: 'categorical', choices: [true, false], when: { parent: 'optimizer', values: ['sgd'] } }
  ]
}

const space: SearchSpace = { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }

/** A study on memory storage for pruner tests, with Optuna-like helpers. */
export function prunerStudy(pruner: Pruner, direction: Direction = 'minimize', name = 'study'): {
  study: Study
  start: () => number
  report: (n: number, value: number, step: number) => void
  shouldPrune: (n: number) => boolean
  finish: (n: number, value: number) => void
  trial: (n: number) => Trial
} {
  const study = Study.create(new MemoryStorage(), { name, direction, space, now: 0 }, { sampler: new RandomSampler(0), pruner })
  return {
    study,
    start: () => study.ask(undefined, 0).number,
    report: (n, value, step) => study.report(n, step, value),
    shouldPrune: (n) => study.shouldPrune(n),
    finish: (n, value) => {
      study.tell(n, value, 0)
    },
    trial: (n) => study.storage.getTrial(study.studyId, n) as Trial
  }
}
