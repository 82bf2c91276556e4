/**
 * Korean for the graph analysis's problem messages. analyzeGraph (preload/contract/model) writes
 * its messages in English with the numbers and names in them, because main and the CLI show them
 * too; the composer shows the common ones in Korean by recognising their English form and
 * re-wording it with the same numbers. A message it does not recognise is shown as the Korean
 * headline of its code followed by the English sentence, so nothing is ever lost.
 */

type Rule = [RegExp, (m: RegExpMatchArray) => string]

const KO_RULES: Rule[] = [
  [/^the output has (\d+) units? but the dataset has (\d+) classes; set units to (\d+)\.$/, (m) => `출력 유닛이 ${m[1]}개인데 데이터셋의 클래스는 ${m[2]}개입니다. units를 ${m[3]}(으)로 바꾸세요.`],
  [/^the output has (\d+) units? but the dataset has (\d+) regression targets?; set units to (\d+)\.$/, (m) => `출력 유닛이 ${m[1]}개인데 회귀 목표는 ${m[2]}개입니다. units를 ${m[3]}(으)로 바꾸세요.`],
  [/^a classifier's output must give class probabilities but this one ends in (\w+); set its activation to softmax\.$/, (m) => `분류기의 출력은 클래스 확률이어야 하는데 ${m[1]}(으)로 끝납니다. 활성화 함수를 softmax로 바꾸세요.`],
  [/^softmax forces the outputs to sum to 1, which cannot fit regression targets; set the activation to linear\.$/, () => 'softmax는 출력의 합을 1로 만들어 회귀 목표에 맞출 수 없습니다. 활성화 함수를 linear로 바꾸세요.'],
  [/^the output is (\S+) per example but the model must give one vector; add Flatten or GlobalAveragePooling before a final Dense\.$/, (m) => `출력이 예제마다 ${m[1]}이지만 모델은 벡터 하나를 내야 합니다. 마지막 Dense 앞에 Flatten이나 GlobalAveragePooling을 추가하세요.`],
  [/^Dense gets a (\S+) tensor \((\S+)\); add a Flatten \(or GlobalAveragePooling2D\) before it\.$/, (m) => `Dense에 ${m[1]} 텐서(${m[2]})가 들어옵니다. 앞에 Flatten(또는 GlobalAveragePooling2D)을 추가하세요.`],
  [/^(\w+) merges branches and needs at least 2 inputs, it has (\d+); connect another branch or delete it\.$/, (m) => `${m[1]}은(는) 분기를 합치므로 입력이 2개 이상 필요한데 ${m[2]}개입니다. 다른 분기를 연결하거나 삭제하세요.`],
  [/^(\w+) takes exactly 1 input, it has (\d+); connect a layer to it\.$/, (m) => `${m[1]}은(는) 입력이 정확히 1개여야 하는데 ${m[2]}개입니다. 레이어를 연결하세요.`],
  [/^(\w+) takes exactly 1 input, it has (\d+); merge the branches with Add or Concatenate first\.$/, (m) => `${m[1]}은(는) 입력이 정확히 1개여야 하는데 ${m[2]}개입니다. 먼저 Add나 Concatenate로 분기를 합치세요.`],
  [/^an Input layer takes no inputs; remove its incoming connections\.$/, () => 'Input 레이어는 입력을 받지 않습니다. 들어오는 연결을 지우세요.'],
  [/^the model has no Input layer; /, () => '모델에 Input 레이어가 없습니다. 맨 위에 추가하세요(데이터셋 예제의 모양을 받습니다).'],
  [/^the model has no output; /, () => '모델에 출력이 없습니다. 마지막 레이어를 출력으로 지정하세요.'],
  [/^"(\w+)" does not lead to any output; connect it to the layers below or delete it\.$/, (m) => `"${m[1]}"은(는) 어떤 출력으로도 이어지지 않습니다. 아래 레이어에 연결하거나 삭제하세요.`],
  [/^"(\w+)" is not connected to the Input; connect its branch to the model or delete it\.$/, (m) => `"${m[1]}"은(는) Input에 연결되어 있지 않습니다. 이 분기를 모델에 연결하거나 삭제하세요.`],
  [/^Input shape (\S+) differs from the dataset's examples \((\S+)\); clear the shape to take the dataset's\.$/, (m) => `Input 모양 ${m[1]}이(가) 데이터셋 예제(${m[2]})와 다릅니다. 모양을 비우면 데이터셋의 모양을 씁니다.`],
  [/^Input has no shape yet; /, () => 'Input에 아직 모양이 없습니다. 데이터셋을 고르거나 모양(배치 축 제외)을 입력하세요.'],
  [/^kernel (\S+) is larger than its (\S+) input with 'valid' padding; /, (m) => `커널 ${m[1]}이(가) 'valid' 패딩에서 입력 ${m[2]}보다 큽니다. 패딩을 'same'으로 하거나, 커널을 줄이거나, 앞의 풀링 레이어를 줄이세요.`],
  [/^pool (\S+) is larger than its (\S+) input with 'valid' padding; /, (m) => `풀 ${m[1]}이(가) 'valid' 패딩에서 입력 ${m[2]}보다 큽니다. 패딩을 'same'으로 하거나, poolSize를 줄이거나, 이 레이어를 삭제하세요.`],
  [/^Add needs inputs of the same shape, got (\S+) \(from "(\w+)"\) and (\S+) \(from "(\w+)"\); /, (m) => `Add의 입력은 모양이 같아야 하는데 ${m[1]}("${m[2]}")과 ${m[3]}("${m[4]}")입니다. 두 분기의 모양을 맞추세요.`],
  [/^Reshape to \[([^\]]*)\] needs (\d+) values but its input (\S+) has (\d+); /, (m) => `[${m[1]}](으)로 바꾸려면 값 ${m[2]}개가 필요한데 입력 ${m[3]}에는 ${m[4]}개가 있습니다. 곱이 ${m[4]}이(가) 되도록 targetShape를 바꾸세요(한 축은 -1 가능).`],
  [/^Dropout rate must be in \[0, 1\) \(got ([^)]*)\); /, (m) => `Dropout 비율은 0 이상 1 미만이어야 합니다(입력값 ${m[1]}). 보통 0.1~0.5를 씁니다.`],
  [/^two layers are called "(\w+)"; rename one of them\.$/, (m) => `"${m[1]}"이라는 레이어가 둘입니다. 하나의 이름을 바꾸세요.`]
]

/**
 * The message to show for a problem: in Korean when `locale` is ko (a full translation for the
 * messages above, otherwise `headline — English message`), the message unchanged otherwise.
 */
export function issueText(message: string, locale: string, headline: string): string {
  if (locale !== 'ko') return message
  for (const [re, ko] of KO_RULES) {
    const m = re.exec(message)
    if (m) return ko(m)
  }
  return headline ? `${headline} — ${message}` : message
}
