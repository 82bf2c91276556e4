/** English strings of the run view's controls, checkpoint browser and evaluation tab (issue 4); spread into en.ts as `runEval`. */
export default {
  pause: 'Pause',
  resume: 'Resume',
  pausing: 'Pausing…',
  resuming: 'Resuming…',
  pauseAria: 'Pause this run (shortcut: p)',
  shortcutPause: 'Pause or resume the current run',
  resumeAria: 'Resume this run (shortcut: p)',
  pausedNote: 'Paused. The trainer keeps its state; Resume continues at the next batch.',
  diverged: 'The loss became NaN or infinite at step {step}; the run stopped there.',
  divergedNoStep: 'The loss became NaN or infinite; the run stopped.',
  divergedTitle: 'Diverged',
  parent: 'Forked from',
  parentCheckpoint: '{name}, epoch {epoch}',
  resumedTimes: 'Resumes from a checkpoint: {n}',
  model: 'Model',
  modelVersion: 'version {version}',
  configShow: 'Show the full configuration',
  configHide: 'Hide the full configuration',
  tabs: { training: 'Training', checkpoints: 'Checkpoints', evaluation: 'Evaluation', internals: 'Weights and filters' },
  ckpt: {
    epoch: 'Epoch', step: 'Step', metrics: 'Metrics', size: 'Size', state: 'State', actions: 'Actions',
    kept: 'kept', deleted: 'deleted', deletedHelp: 'Its files were removed by the run\'s retention policy (keep last K and best).',
    best: 'best', last: 'last', markers: 'checkpoints',
    resume: 'Resume from here', fork: 'Fork…', export: 'Export TF.js',
    exporting: 'Exporting…', exported: 'Exported {files} files ({size}) to', copy: 'Copy path', copied: 'Copied',
    resumed: 'Resuming {name} from epoch {epoch}.', forked: 'Started {name}.',
    none: 'No checkpoints yet: one is written at the end of each epoch (see the run\'s checkpoint policy).'
  },
  fork: {
    title: 'Fork from epoch {epoch}',
    intro: 'A new run starts from this checkpoint\'s weights with the settings below; the dataset and the model stay the same.',
    name: 'Name', learningRate: 'Learning rate', optimizer: 'Optimizer', epochs: 'Epochs', batchSize: 'Batch size', seed: 'Seed',
    submit: 'Fork and start', submitting: 'Starting…',
    badNumber: '{field}: expected a number in {min}–{max}.'
  },
  eval: {
    split: 'Split', evaluate: 'Evaluate', evaluating: 'Evaluating…', checkpoint: 'Checkpoint', bestCheckpoint: 'best',
    needCheckpoint: 'Evaluation uses a checkpoint; this run has none yet.',
    summary: '{count} examples, epoch {epoch}, {seconds} s', cached: 'cached',
    accuracy: 'Accuracy', loss: 'Loss', topK: 'Top-{k} accuracy',
    confusion: 'Confusion matrix', counts: 'Counts', normalized: 'Normalized', predicted: 'Predicted', actual: 'Actual',
    cellHint: 'Click a cell to see its examples.',
    cellTitle: '{actual} predicted as {predicted}', cellCount: 'examples: {n}', cellShowing: 'showing {shown} of {n}',
    noExamples: 'No examples in this cell.', loadMore: 'Show more', show: 'Show examples',
    report: 'Per-class scores', cls: 'Class', precision: 'Precision', recall: 'Recall', f1: 'F1', support: 'Support',
    macro: 'Macro average', weighted: 'Weighted average',
    roc: 'ROC curve', pr: 'Precision–recall curve', auc: 'AUC {v}', ap: 'AP {v}', fpr: 'False positive rate', tpr: 'True positive rate', chance: 'chance',
    scatter: 'Predicted vs actual', residuals: 'Residuals', residual: 'Residual (predicted − actual)', count: 'Count', ideal: 'predicted = actual',
    actualValue: 'Actual', predictedValue: 'Predicted',
    r2: 'R²', mse: 'MSE', rmse: 'RMSE', mae: 'MAE',
    tryIt: 'Try it', tryImage: 'Drop an image here or pick a file', pickFile: 'Pick an image…', tryRow: 'Paste a row (comma-separated, in the column order: {columns})',
    predict: 'Predict', predicting: 'Predicting…', probability: 'Probability', prediction: 'Prediction: {name}', value: 'Predicted value: {value}'
  },
  dist: {
    title: 'Distributions over epochs', tensor: 'Tensor', weights: 'weights', activations: 'activations',
    median: 'median', value: 'value', epoch: 'epoch', none: 'No distributions were recorded for this run.',
    nonFinite: '{n} non-finite values at epoch {epoch}',
    filters: 'First-layer filters', filtersEpoch: 'Epoch {epoch}', noFilters: 'No first-layer filters were recorded (the model has no Conv2D or Dense layer on image input).'
  },
  family: { toggle: 'Family', help: 'Add the parents and children (forks and resumes) of the selected runs', fork: 'fork of {name}' }
}
