/** English strings of the threads setting and engine info (issue 6) and translated backend warnings (issue 3). */
export default {
  threads: {
    label: 'Threads',
    auto: 'Auto',
    help: 'CPU threads for training. Empty: Auto (all cores, shared when several runs train at once).',
    helpCores: 'CPU threads for training. Empty: Auto (all {cores} cores, shared when several runs train at once).',
    capped: 'This machine has {cores} cores: the trainer uses at most {cores}, fewer while other runs train.',
    error: 'Enter a whole number of threads from 1 to 256, or leave it empty for Auto.',
    defaultLabel: 'Default threads for new runs',
    dropLast: 'Drop the last partial batch',
    dropLastHelp: 'Each epoch trains whole batches only; the few rows left over are skipped (a different few each epoch).',
    engine: 'Training engine',
    cores: 'CPU cores',
    nativeNote: 'The studio’s native engine trains dense and convolutional models at full CPU speed. Models it does not support run with TF.js on {backend}; installing {nodePkg} speeds those up, and {gpuPkg} trains on an NVIDIA GPU.',
    runEngine: 'Engine: {engine}',
    runThreads: 'Threads: {n}'
  }
}
