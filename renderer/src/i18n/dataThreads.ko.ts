/** 스레드 설정과 엔진 정보(이슈 6), 번역된 백엔드 경고(이슈 3)의 한국어 문자열. */
export default {
  threads: {
    label: '스레드',
    auto: '자동',
    help: '학습에 쓸 CPU 스레드 수. 비워 두면 자동(모든 코어, 여러 실행이 동시에 학습하면 나눠 씀).',
    helpCores: '학습에 쓸 CPU 스레드 수. 비워 두면 자동(코어 {cores}개 모두, 여러 실행이 동시에 학습하면 나눠 씀).',
    capped: '이 컴퓨터의 코어는 {cores}개입니다. 트레이너는 최대 {cores}개를 쓰고, 다른 실행이 학습 중이면 더 적게 씁니다.',
    error: '1에서 256 사이의 정수를 입력하거나, 자동으로 두려면 비워 두세요.',
    defaultLabel: '새 실행의 기본 스레드 수',
    dropLast: '마지막 불완전 배치 버리기',
    dropLastHelp: '에포크마다 꽉 찬 배치만 학습하고 남는 몇 행은 건너뜁니다(에포크마다 다른 행).',
    engine: '학습 엔진',
    cores: 'CPU 코어',
    nativeNote: '스튜디오의 네이티브 엔진이 밀집(dense)·합성곱 모델을 CPU 최고 속도로 학습합니다. 엔진이 지원하지 않는 모델은 {backend}에서 TF.js로 학습하며, {nodePkg}를 설치하면 그런 모델이 빨라지고 {gpuPkg}로는 NVIDIA GPU에서 학습할 수 있습니다.',
    runEngine: '엔진: {engine}',
    runThreads: '스레드: {n}'
  },
  backendHints: {
    gpu: 'GPU로 학습하려면 NVIDIA GPU(드라이버 450 이상), CUDA 11.2, cuDNN 8.1이 있는 Linux x64 또는 Windows x64에서 “npm install {gpuPkg}”를 실행하세요.',
    node: '훨씬 빠르게 학습하려면 libtensorflow를 내려받을 수 있는 곳(인터넷 연결; Linux·macOS·Windows x64 또는 macOS arm64)에서 “npm install {nodePkg}”를 실행하세요. NVIDIA GPU가 있으면 대신 “npm install {gpuPkg}”(Linux x64 또는 Windows x64, CUDA 11.2, cuDNN 8.1).'
  },
  inspect: {
    format: {
      csv: '{kind} ({delimiter} 구분, {header})',
      jsonl: 'JSON Lines',
      idx: 'IDX(MNIST 형식)',
      cifar: 'CIFAR-{k} 바이너리 배치',
      npy: 'NumPy 배열(.npy)',
      npz: 'NumPy 아카이브(.npz)',
      images: '이미지 폴더(클래스마다 하위 폴더 하나)'
    },
    delimiters: { comma: '쉼표', tab: '탭', semicolon: '세미콜론', pipe: '세로 막대' },
    header: '머리글 행 있음',
    noHeader: '머리글 행 없음',
    roles: {
      table: '표', images: '이미지', labels: '레이블', batch: '배치', classNames: '클래스 이름',
      classFolder: '클래스 폴더, 이미지 {n}개', withSplit: '{split} {what}'
    }
  },
  datasetDelete: {
    running: '지금은 “{name}”을(를) 삭제할 수 없습니다. 이 데이터셋으로 학습 중인 실행이 있습니다. 실행을 먼저 중지한 뒤 삭제하세요.',
    resplitting: '지금은 “{name}”을(를) 삭제할 수 없습니다. 분할을 다시 하는 중입니다. 새 버전을 기다리거나 작업을 취소하세요.'
  },
  warnings: {
    textColumn: '“{column}” 열은 자유 텍스트로 보여, 유형을 바꾸지 않으면 제외됩니다.',
    idxUnpaired: '이미지 파일과 레이블 파일의 짝이 맞지 않습니다. 이미지 파일마다 레이블 파일을 하나씩 넣어 주세요.',
    idxCountMismatch: '{images}에는 이미지가 {imageCount}개, {labels}에는 레이블이 {labelCount}개 있습니다. 이대로면 가져오기가 중단됩니다.',
    imbalanced: '클래스 불균형: 가장 큰 클래스는 이미지 {max}개, 가장 작은 클래스는 {min}개입니다.',
    mixedSizes: '이미지 크기가 {sizes}가지입니다. 모두 {width}×{height}로 크기를 조정합니다.',
    willSkip: '파일 {count}개를 건너뜁니다(목록 참고).',
    filesSkipped: '파일 {count}개를 건너뛰었습니다(읽을 수 없거나 이미지가 아님). 목록을 참고하세요.',
    rowsDroppedTarget: '전체 {total}행 중 {dropped}행을 버렸습니다(타깃 값 없음).',
    rowsDroppedMissing: '전체 {total}행 중 {dropped}행을 버렸습니다(타깃 값 또는 다른 값 없음).'
  }
}
