import { describe, expect, it } from 'vitest'
import { UsageError } from '../../../main/cli/args'
import { parseImportArgs } from '../../../main/cli/importArgs'

describe('studio import arguments', () => {
  it('turns flags into import options and resolves paths', () => {
    const a = parseImportArgs(['data/iris.csv', '--name', 'Iris', '--target', 'species', '--task', 'classification', '--split', '70,15,15', '--seed', '3', '--size', '28x28', '--color', 'gray', '--data-dir', '/d'], '/home/me')
    expect(a.paths).toEqual(['/home/me/data/iris.csv'])
    expect(a.dataDir).toBe('/d')
    expect(a.options).toEqual({ name: 'Iris', target: 'species', task: 'classification', split: { train: 70, val: 15, test: 15 }, seed: 3, image: { width: 28, height: 28, colorMode: 'grayscale' } })
  })

  it('says what is wrong with each bad flag', () => {
    const bad: [string[], RegExp][] = [
      [[], /give the file\(s\) or folder/],
      [['x.csv', '--split', '80,30,10'], /--split: 80\+30\+10 = 120, must be 100/],
      [['x.csv', '--split', 'half'], /--split: expected train,val,test percentages/],
      [['x.csv', '--task', 'ranking'], /--task: expected classification or regression, got "ranking"/],
      [['x.csv', '--seed', '1.5'], /--seed: expected an integer/],
      [['x.csv', '--size', 'big'], /--size: expected WIDTHxHEIGHT/],
      [['x.csv', '--scaling', 'log'], /--scaling/],
      [['x.csv', '--bogus'], /Unknown option '--bogus'/]
    ]
    for (const [argv, msg] of bad) {
      expect(() => parseImportArgs(argv), argv.join(' ')).toThrow(UsageError)
      expect(() => parseImportArgs(argv), argv.join(' ')).toThrow(msg)
    }
  })
})
