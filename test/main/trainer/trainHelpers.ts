/** Shared fixtures for the in-process training tests: samples installed once per file, a recorder. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { RunConfig } from '../../../preload/contract/types'
import { installSamples, type SampleId, type SampleInfo } from '../../../main/datasets/samples'
import type { TrainerMessage } from '../../../main/trainer/protocol'

let installed: { root: string; samples: SampleInfo[] } | null = null

/** Installs the samples into a fresh temp folder (once per test file) and returns one. */
export function sample(id: SampleId): SampleInfo {
  if (!installed) {
    const root = mkdtempSync(path.join(tmpdir(), 'studio-samples-'))
    installed = { root, samples: installSamples(root) }
  }
  const s = installed.samples.find((x) => x.id === id)
  if (!s) throw new Error(`sample ${id} not installed`)
  return s
}

/** The suggested run config of a sample, with overrides. */
export function suggestedConfig(s: SampleInfo, over: Partial<RunConfig> = {}): RunConfig {
  return {
    datasetId: s.id, model: s.suggested, ...s.suggestedTraining, seed: 1, backend: 'auto', ...over
  }
}

/** A fresh run folder. */
export function runDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'studio-run-'))
}

/** Collects the messages of a run, with helpers to read metric series out of them. */
export class Recorder {
  readonly messages: TrainerMessage[] = []
  readonly send = (m: TrainerMessage): void => { this.messages.push(m) }

  of<T extends TrainerMessage['type']>(type: T): Array<Extract<TrainerMessage, { type: T }>> {
    return this.messages.filter((m): m is Extract<TrainerMessage, { type: T }> => m.type === type)
  }

  /** All points of metric `name`, in arrival order. */
  series(name: string): Array<{ step: number; epoch: number; value: number; wallTime: number }> {
    const out: Array<{ step: number; epoch: number; value: number; wallTime: number }> = []
    for (const m of this.of('metrics')) {
      const b = m.batch
      for (let i = 0; i < b.name.length; i++) {
        if (b.name[i] === name) out.push({ step: b.step[i]!, epoch: b.epoch[i]!, value: b.value[i]!, wallTime: b.wallTime[i]! })
      }
    }
    return out
  }

  last(name: string): number {
    const s = this.series(name)
    if (s.length === 0) throw new Error(`no ${name} points`)
    return s[s.length - 1]!.value
  }
}
