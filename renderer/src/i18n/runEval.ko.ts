/** 실행 화면의 제어, 체크포인트 브라우저, 평가 탭 문자열(이슈 4); ko.ts에 `runEval`로 펼쳐 넣습니다. */
import type en from './runEval.en'

const ko: typeof en = {
  pause: '일시 정지',
  resume: '재개',
  pausing: '일시 정지 중…',
  resuming: '재개 중…',
  pauseAria: '이 실행을 일시 정지 (단축키: p)',
  shortcutPause: '현재 실행을 일시 정지하거나 재개',
  resumeAria: '이 실행을 재개 (단축키: p)',
  pausedNote: '일시 정지됨. 트레이너가 상태를 유지하며, 재개하면 다음 배치부터 이어집니다.',
  diverged: '스텝 {step}에서 손실이 NaN 또는 무한대가 되어 실행이 멈췄습니다.',
  divergedNoStep: '손실이 NaN 또는 무한대가 되어 실행이 멈췄습니다.',
  divergedTitle: '발산',
  parent: '포크 원본',
  parentCheckpoint: '{name}, 에포크 {epoch}',
  resumedTimes: '체크포인트에서 재개한 횟수: {n}',
  model: '모델',
  modelVersion: '버전 {version}',
  configShow: '전체 설정 보기',
  configHide: '전체 설정 숨기기',
  tabs: { training: '학습', checkpoints: '체크포인트', evaluation: '평가', internals: '가중치와 필터' },
  ckpt: {
    epoch: '에포크', step: '스텝', metrics: '지표', size: '크기', state: '상태', actions: '작업',
    kept: '보관', deleted: '삭제됨', deletedHelp: '실행의 보관 정책(최근 K개와 최고)에 따라 파일이 삭제되었습니다.',
    best: '최고', last: '최근', markers: '체크포인트',
    resume: '여기서 재개', fork: '포크…', export: 'TF.js로 내보내기',
    exporting: '내보내는 중…', exported: '파일 {files}개({size})를 내보낸 위치:', copy: '경로 복사', copied: '복사됨',
    resumed: '{name}을(를) 에포크 {epoch}부터 재개합니다.', forked: '{name}을(를) 시작했습니다.',
    none: '아직 체크포인트가 없습니다. 각 에포크가 끝날 때 저장됩니다(실행의 체크포인트 정책 참고).'
  },
  fork: {
    title: '에포크 {epoch}에서 포크',
    intro: '이 체크포인트의 가중치에서 아래 설정으로 새 실행을 시작합니다. 데이터셋과 모델은 그대로입니다.',
    name: '이름', learningRate: '학습률', optimizer: '옵티마이저', epochs: '에포크', batchSize: '배치 크기', seed: '시드',
    submit: '포크하고 시작', submitting: '시작하는 중…',
    badNumber: '{field}: {min}–{max} 사이의 숫자가 필요합니다.'
  },
  eval: {
    split: '분할', evaluate: '평가', evaluating: '평가 중…', checkpoint: '체크포인트', bestCheckpoint: '최고',
    needCheckpoint: '평가에는 체크포인트가 필요한데, 이 실행에는 아직 없습니다.',
    summary: '예제 {count}개, 에포크 {epoch}, {seconds}초', cached: '캐시됨',
    accuracy: '정확도', loss: '손실', topK: '상위 {k} 정확도',
    confusion: '혼동 행렬', counts: '개수', normalized: '정규화', predicted: '예측', actual: '실제',
    cellHint: '칸을 클릭하면 해당 예제를 볼 수 있습니다.',
    cellTitle: '{actual}을(를) {predicted}(으)로 예측', cellCount: '예제 {n}개', cellShowing: '{n}개 중 {shown}개 표시',
    noExamples: '이 칸에는 예제가 없습니다.', loadMore: '더 보기', show: '예제 보기',
    report: '클래스별 점수', cls: '클래스', precision: '정밀도', recall: '재현율', f1: 'F1', support: '개수',
    macro: '매크로 평균', weighted: '가중 평균',
    roc: 'ROC 곡선', pr: '정밀도–재현율 곡선', auc: 'AUC {v}', ap: 'AP {v}', fpr: '거짓 양성 비율', tpr: '참 양성 비율', chance: '무작위',
    scatter: '예측 대 실제', residuals: '잔차', residual: '잔차(예측 − 실제)', count: '개수', ideal: '예측 = 실제',
    actualValue: '실제', predictedValue: '예측',
    r2: 'R²', mse: 'MSE', rmse: 'RMSE', mae: 'MAE',
    tryIt: '직접 해 보기', tryImage: '이미지를 여기에 끌어다 놓거나 파일을 고르세요', pickFile: '이미지 선택…', tryRow: '행을 붙여 넣으세요(쉼표로 구분, 열 순서: {columns})',
    predict: '예측', predicting: '예측 중…', probability: '확률', prediction: '예측: {name}', value: '예측값: {value}'
  },
  dist: {
    title: '에포크별 분포', tensor: '텐서', weights: '가중치', activations: '활성값',
    median: '중앙값', value: '값', epoch: '에포크', none: '이 실행에는 기록된 분포가 없습니다.',
    nonFinite: '에포크 {epoch}에 유한하지 않은 값 {n}개',
    filters: '첫 층 필터', filtersEpoch: '에포크 {epoch}', noFilters: '기록된 첫 층 필터가 없습니다(모델에 이미지 입력을 받는 Conv2D나 Dense 층이 없음).'
  },
  family: { toggle: '계보', help: '선택한 실행의 부모와 자식(포크, 재개)을 함께 추가합니다', fork: '{name}의 포크' }
}

export default ko
