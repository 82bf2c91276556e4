/**
 * One training run in a process of its own, for peak-memory measurements: runs runTraining on the
 * cache in argv[2] (run folder argv[3], config JSON argv[4]) and prints one JSON line with the
 * process's peak RSS and what the run reported. The data mode follows STUDIO_DATA_MEMORY_MB.
 * Run it with `node --import tsx test/helpers/trainRss.ts …` (test/integration/batchSourceRss.test.ts).
 */
import type { RunConfig } from '../../preload/contract/types'
import { runTraining } from '../../main/trainer/train'
import type { TrainerMessage } from '../../main/trainer/protocol'

const [datasetDir, runDir, configJson] = process.argv.slice(2)
if (!datasetDir || !runDir || !configJson) {
  process.stderr.write('usage: trainRss.ts <datasetDir> <runDir> <config.json>\n')
  process.exit(2)
}
const rssBefore = process.resourceUsage().maxRSS
const msgs: TrainerMessage[] = []
const t0 = performance.now()
const done = await runTraining({ runId: 'rss', config: JSON.parse(configJson) as RunConfig, datasetDir, runDir }, { send: (m) => { msgs.push(m) } })
const seconds = (performance.now() - t0) / 1000
const backend = msgs.find((m) => m.type === 'backend')
// samples/s of each epoch (the trainer's own epoch metric: training time only, no loading)
const samplesPerSec: number[] = []
for (const m of msgs) {
  if (m.type !== 'metrics') continue
  m.batch.name.forEach((n, i) => { if (n === 'epoch/samples_per_sec' || n.endsWith('samples_per_sec')) samplesPerSec.push(m.batch.value[i]!) })
}
process.stdout.write(`${JSON.stringify({
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  startRssMiB: rssBefore / 1024,
  seconds,
  done,
  samplesPerSec,
  engine: backend?.type === 'backend' ? backend.backend.engine : null
})}\n`)
