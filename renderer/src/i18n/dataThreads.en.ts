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
  },
  backendHints: {
    gpu: 'For GPU training, run “npm install {gpuPkg}” on Linux x64 or Windows x64 with an NVIDIA GPU (driver 450 or newer), CUDA 11.2 and cuDNN 8.1.',
    node: 'For much faster training, run “npm install {nodePkg}” where it can download libtensorflow (internet access; Linux, macOS or Windows x64, or macOS arm64). With an NVIDIA GPU, “npm install {gpuPkg}” instead (Linux x64 or Windows x64, CUDA 11.2, cuDNN 8.1).'
  },
  inspect: {
    format: {
      csv: '{kind} ({delimiter}-separated, {header})',
      jsonl: 'JSON Lines',
      idx: 'IDX (MNIST-style)',
      cifar: 'CIFAR-{k} binary batches',
      npy: 'NumPy arrays (.npy)',
      npz: 'NumPy archive (.npz)',
      images: 'Image folders (one sub-folder per class)'
    },
    delimiters: { comma: 'comma', tab: 'tab', semicolon: 'semicolon', pipe: 'pipe' },
    header: 'header row',
    noHeader: 'no header row',
    roles: {
      table: 'table', images: 'images', labels: 'labels', batch: 'batch', classNames: 'class names',
      classFolder: 'class folder, {n} images', withSplit: '{split} {what}'
    }
  },
  datasetDelete: {
    running: 'Cannot delete “{name}” now: a training run on it is running. Stop the run first, then delete.',
    resplitting: 'Cannot delete “{name}” now: it is being resplit. Wait for the new version or cancel the job.'
  },
  warnings: {
    textColumn: 'Column “{column}” looks like free text and will be left out unless you change its type.',
    idxUnpaired: 'Images and labels files do not pair up; drop one labels file per images file.',
    idxCountMismatch: '{images} has {imageCount} images but {labels} has {labelCount} labels; the import will stop on this.',
    imbalanced: 'Classes are imbalanced: the largest has {max} images, the smallest {min}.',
    mixedSizes: 'Images come in {sizes} sizes; all will be resized to {width}×{height}.',
    willSkip: '{count} file(s) will be skipped (see the list).',
    filesSkipped: '{count} file(s) skipped (unreadable or not images); see the list.',
    rowsDroppedTarget: '{dropped} of {total} rows dropped (missing target).',
    rowsDroppedMissing: '{dropped} of {total} rows dropped (missing target or a missing value).'
  }
}
