/**
 * The files in resources/samples/ that the studio generates itself must be exactly what the
 * generators produce. To regenerate them after changing a generator:
 *   REGENERATE_SAMPLES=1 npx vitest run --config test/vitest.config.ts test/main/datasets/sampleFiles
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DIGIT_SIZE, DIGITS_SAMPLE, generateDigits } from '../../../main/datasets/digitsGenerator'
import { decodeIdx, encodeIdx } from '../../../main/datasets/idxFile'
import { DIGITS_FILES, findSamplesDir } from '../../../main/datasets/samples'
import { generateSpirals, pointsToCsv } from '../../../main/datasets/spiralsGenerator'

const regenerate = process.env['REGENERATE_SAMPLES'] === '1'
const samplesDir = path.resolve(__dirname, '../../../resources/samples')

function expectedFiles(): Record<string, Buffer> {
  const train = generateDigits(DIGITS_SAMPLE.trainCount, DIGITS_SAMPLE.trainSeed)
  const val = generateDigits(DIGITS_SAMPLE.valCount, DIGITS_SAMPLE.valSeed)
  return {
    'spirals.csv': Buffer.from(pointsToCsv(generateSpirals())),
    [`digits/${DIGITS_FILES.trainImages}`]: encodeIdx({ shape: [train.count, DIGIT_SIZE, DIGIT_SIZE], data: train.images }),
    [`digits/${DIGITS_FILES.trainLabels}`]: encodeIdx({ shape: [train.count], data: train.labels }),
    [`digits/${DIGITS_FILES.valImages}`]: encodeIdx({ shape: [val.count, DIGIT_SIZE, DIGIT_SIZE], data: val.images }),
    [`digits/${DIGITS_FILES.valLabels}`]: encodeIdx({ shape: [val.count], data: val.labels })
  }
}

describe('generated sample files', () => {
  it('resources/samples matches the generators (decoded content, byte for byte)', () => {
    const files = expectedFiles()
    if (regenerate) {
      for (const [rel, bytes] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(samplesDir, rel)), { recursive: true })
        writeFileSync(path.join(samplesDir, rel), bytes)
      }
    }
    for (const [rel, bytes] of Object.entries(files)) {
      const file = path.join(samplesDir, rel)
      expect(existsSync(file), `${rel} is missing: run with REGENERATE_SAMPLES=1`).toBe(true)
      const onDisk = readFileSync(file)
      if (rel.endsWith('.gz')) {
        // Compare decoded tensors: gzip bytes may differ between zlib versions, the data may not.
        const a = decodeIdx(onDisk); const b = decodeIdx(bytes)
        expect(a.shape).toEqual(b.shape)
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${rel} differs from its generator`).toBe(0)
      } else {
        expect(onDisk.toString('utf8')).toBe(bytes.toString('utf8'))
      }
    }
  })

  it('findSamplesDir finds the shipped folder from the sources', () => {
    expect(findSamplesDir()).toBe(samplesDir)
  })

  it('the shipped samples stay small', () => {
    const shipped = ['spirals.csv', ...Object.values(DIGITS_FILES).map((f) => `digits/${f}`)]
    const total = shipped.reduce((n, rel) => n + readFileSync(path.join(samplesDir, rel)).byteLength, 0) +
      readFileSync(path.join(samplesDir, 'iris.csv')).byteLength
    expect(total).toBeLessThan(3 * 1024 * 1024)
  })
})
