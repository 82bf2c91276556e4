/// <reference lib="dom" />
/**
 * End to end in Debian Chromium against browser mode (real server, real trainer processes, real
 * SQLite): build a CNN in the composer from scratch on the built-in digits (Input → Conv2D →
 * MaxPool → Flatten → Dense), see shape errors appear at the offending layer and disappear, move
 * and undo with the keyboard, save a version, train it with a schedule from the run form, pause
 * and resume, and open the confusion matrix. Screenshots in en/ko and light/dark.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStudioPage, openStudioPage, type StudioPage } from '../helpers/browser'
import { repoRoot } from '../helpers/core'

const shots = path.join(repoRoot, 'test', 'e2e', '__screenshots__')
let t: StudioPage['t']
let serve: StudioPage['serve']
let browser: StudioPage['browser']
let page: StudioPage['page']
const pageErrors: string[] = []

beforeAll(async () => {
  ({ t, serve, browser, page } = await openStudioPage('studio-e2e-composer-', pageErrors, { width: 1440, height: 900 }))
}, 60_000)

afterAll(() => closeStudioPage({ t, serve, browser }))

const kinds = (): Promise<string[]> => page.$$eval('[data-testid="layer-stack"] [role="option"]', (els) => els.map((e) => e.getAttribute('data-kind') ?? ''))
const invalid = (id: string): Promise<string | null> => page.getByTestId(`layer-${id}`).getAttribute('data-invalid')
const status = (): Promise<string | null> => page.getByTestId('run-status').getAttribute('data-status')

/** Switches theme and language in Settings (no reload: the composer keeps its graph and history). */
async function setTheme(theme: 'light' | 'dark', locale: 'en' | 'ko'): Promise<void> {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('theme-select').selectOption(theme)
  await page.getByTestId('lang-select').selectOption(locale)
}

/** Waits for `testId`; on a timeout, fails with what the page shows (and saves a screenshot). */
async function waitOrDump(testId: string): Promise<void> {
  await page.getByTestId(testId).waitFor().catch(async (err: unknown) => {
    await page.screenshot({ path: path.join(shots, `debug-${testId}.png`) })
    throw new Error(`${String(err)}\nurl ${page.url()}\npage: ${(await page.locator('body').innerText()).slice(0, 1500)}\nerrors: ${pageErrors.join(' | ')}`)
  })
}

async function typeParam(key: string, value: string): Promise<void> {
  const input = page.getByTestId(`param-${key}`)
  await input.fill(value)
  await input.blur()
}

describe('composer', () => {
  it('builds a CNN from scratch, shows and clears shape errors, trains, pauses, resumes and evaluates', async () => {
    await page.goto(serve.url)
    await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
    await page.getByTestId('nav-composer').click()
    await page.getByTestId('composer').waitFor()
    // A fresh composer opens the template gallery; start from scratch.
    await page.getByTestId('template-gallery').waitFor()
    await page.screenshot({ path: path.join(shots, 'composer-templates.png') })
    await page.getByTestId('template-scratch').click()
    await page.getByTestId('composer-dataset').selectOption('digits')
    await page.getByTestId('stack-empty').waitFor()
    expect(await page.getByTestId('composer-train').isDisabled()).toBe(true)

    // Input by click, Conv2D by dragging from the palette, the rest by click (each lands below the selection).
    await page.getByTestId('palette-Input').click()
    await page.getByTestId('palette-Conv2D').dragTo(page.getByTestId('layer-stack'), { targetPosition: { x: 200, y: 110 } })
    await page.getByTestId('palette-MaxPooling2D').click()
    await page.getByTestId('palette-Flatten').click()
    await page.getByTestId('palette-Dense').click()
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    await expect.poll(() => page.getByTestId('shape-conv2d_1').textContent()).toBe('26×26×32')
    await expect.poll(() => page.getByTestId('shape-flatten_1').textContent()).toBe('5408')

    // A new Dense has 32 linear units: wrong size for 10 classes, marked at the layer with the fix.
    expect(await invalid('dense_1')).toBe('true')
    await expect.poll(() => page.getByTestId('layer-error-dense_1').textContent()).toMatch(/32 units .*10 classes; set units to 10/)
    expect(await page.getByTestId('composer-train').isDisabled()).toBe(true)
    await expect.poll(() => page.getByTestId('train-blocked-reason').textContent()).toMatch(/dense_1/)

    // Smaller conv, then units 7 (still wrong: the message follows), then 10 with softmax: valid.
    await page.getByTestId('layer-conv2d_1').click()
    await typeParam('filters', '8')
    await page.getByTestId('param-activation').selectOption('relu')
    await page.getByTestId('layer-dense_1').click()
    await typeParam('units', '7')
    await expect.poll(() => page.getByTestId('layer-error-dense_1').textContent()).toMatch(/7 units .*10 classes/)
    await page.screenshot({ path: path.join(shots, 'composer-error.png') })
    await typeParam('units', '10')
    await expect.poll(() => page.getByTestId('layer-error-dense_1').textContent()).toMatch(/softmax/)
    // The one-click repair next to the problem.
    await page.getByTestId('fix-dense_1').click()
    await expect.poll(() => page.getByTestId('param-activation').inputValue()).toBe('softmax')
    await expect.poll(() => invalid('dense_1')).toBe('false')
    await expect.poll(() => page.getByTestId('composer-summary').getAttribute('data-valid')).toBe('true')
    // conv 3·3·1·8+8 = 80; dense 13·13·8·10+10 = 13,530.
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe('13,610')
    expect(await page.getByTestId('composer-train').isDisabled()).toBe(false)

    // Keyboard: Delete removes Flatten → the output is no longer a vector; Ctrl+Z brings it back.
    await page.getByTestId('layer-flatten_1').click()
    await page.keyboard.press('Delete')
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Dense'])
    await expect.poll(() => invalid('dense_1')).toBe('true')
    await expect.poll(() => page.getByTestId('layer-error-dense_1').textContent()).toMatch(/Flatten/)
    await page.screenshot({ path: path.join(shots, 'composer-flatten-removed.png') })
    await page.keyboard.press('Control+z')
    await expect.poll(() => invalid('dense_1')).toBe('false')
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    // Alt+↑ moves the selected layer up, Alt+↓ back; Ctrl+Shift+Z redoes an undone move.
    await page.getByTestId('layer-max_pooling2d_1').click()
    await page.keyboard.press('Alt+ArrowUp')
    expect(await kinds()).toEqual(['Input', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense'])
    await page.keyboard.press('Control+z')
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    await page.keyboard.press('Control+Shift+Z')
    expect(await kinds()).toEqual(['Input', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense'])
    await page.keyboard.press('Alt+ArrowDown')
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    // Dragging a row onto the top half of another puts it above that one.
    await page.getByTestId('layer-flatten_1').dragTo(page.getByTestId('layer-conv2d_1'), { targetPosition: { x: 200, y: 4 } })
    expect(await kinds()).toEqual(['Input', 'Flatten', 'Conv2D', 'MaxPooling2D', 'Dense'])
    await expect.poll(() => invalid('conv2d_1')).toBe('true')
    await page.keyboard.press('Control+z')
    expect(await kinds()).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe('13,610')

    // Save as a versioned model.
    await page.getByTestId('model-name').fill('digits-cnn')
    await page.getByTestId('save-model').click()
    await expect.poll(() => page.getByTestId('model-version').textContent(), { timeout: 15_000 }).toBe('v1')
    expect(page.url()).toMatch(/#\/composer\/[A-Za-z0-9_-]+/)
    await page.screenshot({ path: path.join(shots, 'composer-valid.png') })

    // Train: the run form opens with the composed model; pick a cosine schedule and see its preview.
    await page.getByTestId('composer-train').click()
    await page.getByTestId('new-run-form').waitFor()
    await page.getByTestId('composer-model').waitFor()
    expect(await page.getByTestId('composer-model').getAttribute('data-valid')).toBe('true')
    await page.fill('#f-epochs', '30')
    await page.getByTestId('sec-schedule').locator('summary').click()
    await page.getByTestId('t-schedule').selectOption('cosine')
    await page.getByTestId('t-warmupSteps').fill('20')
    await expect.poll(async () => Number(await page.getByTestId('lr-preview').getAttribute('data-final-lr'))).toBeLessThan(1e-6)
    await page.getByTestId('lr-preview').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'run-form-toolbox.png') })
    await page.getByTestId('start-run').click()

    await page.getByTestId('run-status').waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'running', null, { timeout: 60_000 })
    // The run records the exact model version it trained.
    await expect.poll(async () => (await page.getByTestId('run-model').textContent()) ?? '', { timeout: 15_000 }).toMatch(/digits-cnn|v1/)

    // Pause once the curves have points, then resume: more points arrive.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 120_000 })
    await page.getByTestId('pause-run').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'paused', null, { timeout: 60_000 })
    await page.screenshot({ path: path.join(shots, 'composer-run-paused.png') })
    await page.getByTestId('pause-run').click()
    const pausedPoints = Number(await page.getByTestId('chart-loss').getAttribute('data-points'))
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'running', null, { timeout: 60_000 })
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > n, pausedPoints, { timeout: 120_000 })

    // Let a checkpoint land, stop, and open the confusion matrix.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="run-tab-checkpoints"] .count')?.textContent ?? 0) > 0, null, { timeout: 180_000 })
    await page.getByTestId('stop-run').click()
    await page.waitForFunction(() => !['running', 'paused', 'queued'].includes(document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') ?? ''), null, { timeout: 60_000 })
    expect(await status()).toBe('stopped')
    await page.getByTestId('run-tab-evaluation').click()
    await page.getByTestId('evaluation').waitFor()
    const runEval = page.getByTestId('eval-run')
    if (await runEval.isVisible()) await runEval.click()
    await page.getByTestId('cm-counts').waitFor({ timeout: 120_000 })
    await page.screenshot({ path: path.join(shots, 'composer-run-confusion.png'), fullPage: true })

    // The run's model opens back in the composer (linked to the version it trained).
    const runId = /#\/runs\/([A-Za-z0-9_-]+)/.exec(page.url())![1]!
    await page.goto(page.url().replace(/#.*$/, `#/composer?run=${runId}`))
    await expect.poll(kinds).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    await expect.poll(() => page.getByTestId('model-version').textContent()).toBe('v1')
    expect(page.url()).not.toContain('run=')

    // The composer in Korean and in dark: error state included.
    for (const [theme, locale] of [['dark', 'en'], ['light', 'ko'], ['dark', 'ko']] as const) {
      await setTheme(theme, locale)
      await page.getByTestId('nav-composer').click()
      await waitOrDump('layer-dense_1')
      await page.getByTestId('layer-dense_1').click()
      await typeParam('units', '7')
      await expect.poll(() => invalid('dense_1')).toBe('true')
      await page.screenshot({ path: path.join(shots, `composer-error-${locale}-${theme}.png`) })
      await page.keyboard.press('Control+z')
      await expect.poll(() => invalid('dense_1')).toBe('false')
    }
    await page.getByTestId('nav-new').click()
    await page.getByTestId('new-run-form').waitFor()
    await page.getByTestId('source-composer').check()
    await page.getByTestId('sec-schedule').locator('summary').click()
    await page.getByTestId('t-schedule').selectOption('exponential')
    await page.getByTestId('t-decaySteps').fill('10')
    await page.getByTestId('t-decayRate').fill('1.5')
    await page.getByTestId('start-run').click()
    await page.getByTestId('form-errors').waitFor()
    await page.getByTestId('t-decayRate').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'run-form-toolbox-ko-dark.png') })
    expect(pageErrors).toEqual([])
  }, 480_000)

  it('imports a Keras model.json, saves versions, exports the spec, and edits branches', async () => {
    if (!page.url().includes('#/')) {
      await page.goto(serve.url)
      await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
    }
    await setTheme('light', 'en')
    await page.getByTestId('nav-composer').click()
    await waitOrDump('composer')
    if (await page.getByTestId('template-gallery').isVisible()) await page.getByTestId('template-scratch').click()
    // A TF.js Sequential model.json as model.save writes it (topology only).
    const modelJson = path.join(t.dir, 'model.json')
    writeFileSync(modelJson, JSON.stringify({
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'keras_mlp',
          layers: [
            { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 28, 28, 1] } },
            { class_name: 'Dense', config: { name: 'hidden', units: 32, activation: 'relu', use_bias: true } },
            { class_name: 'Dropout', config: { name: 'drop', rate: 0.2 } },
            { class_name: 'Dense', config: { name: 'probs', units: 10, activation: 'softmax', use_bias: true } }
          ]
        }
      },
      weightsManifest: []
    }))
    await page.getByTestId('import-model-file').setInputFiles(modelJson)
    await expect.poll(kinds).toEqual(['Input', 'Flatten', 'Dense', 'Dropout', 'Dense'])
    await expect.poll(() => page.getByTestId('composer-summary').getAttribute('data-valid')).toBe('true')
    // 784·32+32 + 32·10+10 = 25,450.
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe('25,450')

    // Save v1, widen the hidden layer, save v2.
    await page.getByTestId('model-name').fill('keras-mlp')
    await page.getByTestId('save-model').click()
    await expect.poll(() => page.getByTestId('model-version').textContent(), { timeout: 15_000 }).toBe('v1')
    await page.getByTestId('layer-hidden').click()
    await typeParam('units', '64')
    await expect.poll(() => page.getByTestId('model-version').textContent()).toBe('v1*')
    await page.getByTestId('version-note').fill('wider hidden layer')
    await page.getByTestId('save-model').click()
    await expect.poll(() => page.getByTestId('model-version').textContent(), { timeout: 15_000 }).toBe('v2')

    // Export downloads the spec JSON with the imported layer names.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-spec').click()])
    const saved = path.join(t.dir, 'export.json')
    await download.saveAs(saved)
    const spec = JSON.parse(readFileSync(saved, 'utf8')) as { format: string; name: string; nodes: { id: string; params?: { units?: number } }[]; outputs: string[] }
    expect(spec.format).toBe('studio-graph')
    expect(spec.name).toBe('keras-mlp')
    expect(spec.outputs).toEqual(['probs'])
    expect(spec.nodes.find((n) => n.id === 'hidden')?.params?.units).toBe(64)
    expect(download.suggestedFilename()).toBe('keras-mlp-v2.studio-graph.json')

    // Dropping a model.json anywhere on the composer opens it (the window's drop overlay hands it over).
    const dropped = JSON.stringify({ format: 'studio-graph', version: 1, name: 'dropped', nodes: [
      { id: 'input', kind: 'Input', inputs: [] }, { id: 'flat', kind: 'Flatten', inputs: ['input'] },
      { id: 'out', kind: 'Dense', inputs: ['flat'], params: { units: 10, activation: 'softmax' } }
    ], outputs: ['out'] })
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer()
      d.items.add(new File([text], 'dropped.json', { type: 'application/json' }))
      return d
    }, dropped)
    await page.dispatchEvent('[data-testid="layer-stack"]', 'dragenter', { dataTransfer: dt })
    await page.dispatchEvent('[data-testid="layer-stack"]', 'dragover', { dataTransfer: dt })
    await page.getByTestId('drop-overlay').waitFor()
    expect(await page.getByTestId('drop-overlay').textContent()).toContain('model.json')
    await page.screenshot({ path: path.join(shots, 'composer-drop.png') })
    await page.dispatchEvent('[data-testid="drop-overlay"]', 'drop', { dataTransfer: dt })
    await expect.poll(kinds).toEqual(['Input', 'Flatten', 'Dense'])
    expect(await page.getByTestId('model-name').inputValue()).toBe('dropped')
    // ↑ selects the layer above.
    await page.getByTestId('layer-out').click()
    await page.keyboard.press('ArrowUp')
    expect(await page.getByTestId('layer-flat').getAttribute('aria-selected')).toBe('true')

    // Version history: both versions listed; opening v1 brings back 32 units.
    await page.getByTestId('open-versions').click()
    await page.getByTestId('version-2').waitFor()
    await page.getByTestId('version-1').waitFor()
    expect(await page.getByTestId('version-2').textContent()).toContain('wider hidden layer')
    await page.screenshot({ path: path.join(shots, 'composer-versions.png') })
    await page.getByTestId('open-version-1').click()
    await expect.poll(() => page.getByTestId('model-version').textContent()).toBe('v1')
    await expect.poll(() => page.getByTestId('params-hidden').textContent()).toBe('25,120')

    // The residual template shows its branches; an Add's inputs are chosen per node.
    await page.getByTestId('open-templates').click()
    await page.getByTestId('composer-template-resnet').click()
    await expect.poll(() => page.getByTestId('composer-summary').getAttribute('data-valid')).toBe('true')
    await page.getByTestId('layer-block1_add').click()
    await expect.poll(() => page.getByTestId('input-stem_relu').isChecked()).toBe(true)
    await page.getByTestId('input-stem_relu').uncheck()
    await expect.poll(() => invalid('block1_add')).toBe('true')
    await page.screenshot({ path: path.join(shots, 'composer-resnet-branch.png') })
    await page.getByTestId('input-stem_relu').check()
    await expect.poll(() => invalid('block1_add')).toBe('false')
    // Both branches that feed the selected Add are marked in the stack.
    await page.getByTestId('feeds-stem_relu').waitFor()
    await page.getByTestId('feeds-block1_bn2').waitFor()
    await page.getByTestId('layer-stem_relu').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'composer-resnet-valid.png') })
    expect(page.url()).toMatch(/#\/composer(\?|$)/)
    // Picking the template was one undo step: Ctrl+Z (×3) returns to the saved v1 it replaced.
    await page.getByTestId('layer-stack').focus()
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z')
    await expect.poll(kinds).toEqual(['Input', 'Flatten', 'Dense', 'Dropout', 'Dense'])
    expect(await page.getByTestId('model-name').inputValue()).toBe('keras-mlp')
    expect(await page.getByTestId('model-version').textContent()).toBe('v1')

    // The run form can train any saved version.
    await page.getByTestId('nav-new').click()
    await page.getByTestId('new-run-form').waitFor()
    await page.getByTestId('source-saved').check()
    await page.getByTestId('saved-model').selectOption({ label: 'keras-mlp' })
    await expect.poll(() => page.getByTestId('saved-version').locator('option').count()).toBe(2)
    await page.getByTestId('saved-version').selectOption('1')
    await expect.poll(() => page.getByTestId('new-run-form').textContent()).toContain('25,450')
    await page.getByTestId('saved-version').selectOption('2')
    await expect.poll(() => page.getByTestId('new-run-form').textContent()).toContain('50,890')
    await page.screenshot({ path: path.join(shots, 'run-form-saved-model.png') })

    // The composer's draft survives a reload.
    await page.getByTestId('nav-composer').click()
    await expect.poll(kinds).toEqual(['Input', 'Flatten', 'Dense', 'Dropout', 'Dense'])
    expect(await page.getByTestId('model-name').inputValue()).toBe('keras-mlp')
    // An edit just before the reload, inside the 300 ms debounce: kept, because the draft is
    // also written on pagehide.
    await page.getByTestId('model-name').fill('keras-mlp (draft)')
    await page.reload()
    await waitOrDump('layer-probs')
    expect(await kinds()).toEqual(['Input', 'Flatten', 'Dense', 'Dropout', 'Dense'])
    expect(await page.getByTestId('model-name').inputValue()).toBe('keras-mlp (draft)')
    // …and still marked as an unsaved change of the saved version.
    expect(await page.getByTestId('model-version').textContent()).toMatch(/^v\d+\*$/)
    expect(pageErrors).toEqual([])
  }, 120_000)
})
