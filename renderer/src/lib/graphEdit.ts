/**
 * The composer's edit operations on a graph spec, as pure functions that return a new spec (the
 * old one stays valid for the undo history). The editor shows the graph as a stack in the spec's
 * node order; edits keep a plain chain wired the way a person expects from a Keras Sequential
 * model: a layer inserted between two others is fed by the one above and feeds the one below, a
 * removed layer's consumers are fed by its own input, and the last layer stays the output.
 * Branches (Add / Concatenate, a layer fed from further up) are wired explicitly with
 * {@link setInputs}.
 */
import type { DatasetSummary } from '../../../preload/contract/types'
import {
  LAYER_DEFAULTS, NODE_ID_PATTERN, graphSpec,
  type GraphDatasetInfo, type GraphNode, type GraphSpec, type LayerKind
} from '../../../preload/contract/model/graph'

/** Layer kinds that merge several branches (take 2 or more inputs). */
export const MERGE_KINDS: ReadonlySet<LayerKind> = new Set<LayerKind>(['Add', 'Concatenate'])

/** An empty graph: what "start from scratch" opens. */
export function emptyGraph(name?: string): GraphSpec {
  return graphSpec([], [], name)
}

/** The dataset facts the analysis checks a graph against. */
export function datasetInfo(ds: Pick<DatasetSummary, 'inputShape' | 'task' | 'numClasses'>): GraphDatasetInfo {
  return { inputShape: [...ds.inputShape], task: ds.task, numClasses: ds.numClasses }
}

/** Keras-style snake_case base name of a kind: Conv2D → conv2d, MaxPooling2D → max_pooling2d. */
export function baseName(kind: LayerKind): string {
  return kind.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
}

/** A fresh id for a new `kind` layer: `conv2d_1`, `conv2d_2`, … (the first number not taken). */
export function newNodeId(spec: GraphSpec, kind: LayerKind): string {
  const taken = new Set(spec.nodes.map((n) => n.id))
  const base = kind === 'Input' ? 'input' : baseName(kind)
  if (kind === 'Input' && !taken.has(base)) return base
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`
    if (!taken.has(id)) return id
  }
}

function replaceIn(list: string[], from: string, to: string | undefined): string[] {
  const out: string[] = []
  for (const x of list) {
    if (x !== from) out.push(x)
    else if (to !== undefined && !list.includes(to) && !out.includes(to)) out.push(to)
  }
  return out
}

function withNodes(spec: GraphSpec, nodes: GraphNode[], outputs: string[] = spec.outputs): GraphSpec {
  return { ...spec, nodes, outputs }
}

/**
 * Takes node `id` out of the wiring without deleting it: every consumer and the outputs are fed by
 * its first input instead. Returns the remaining nodes (in order), the outputs, and the node.
 */
function detach(spec: GraphSpec, id: string): { nodes: GraphNode[]; outputs: string[]; node: GraphNode } | null {
  const node = spec.nodes.find((n) => n.id === id)
  if (!node) return null
  const feed = node.inputs[0]
  const nodes = spec.nodes
    .filter((n) => n.id !== id)
    .map((n) => (n.inputs.includes(id) ? { ...n, inputs: replaceIn(n.inputs, id, feed) } as GraphNode : n))
  const outputs = replaceIn(spec.outputs, id, feed)
  return { nodes, outputs, node }
}

/** Places `node` at `index` of `nodes` and wires it into the chain there (see the file comment). */
function place(nodes: GraphNode[], outputs: string[], node: GraphNode, index: number, keepInputs: boolean): { nodes: GraphNode[]; outputs: string[] } {
  const at = Math.max(0, Math.min(index, nodes.length))
  const prev = at > 0 ? nodes[at - 1] : undefined
  const next = nodes[at]
  let placed: GraphNode = node
  if (node.kind === 'Input') {
    placed = { ...node, inputs: [] } as GraphNode
  } else if (!keepInputs || node.inputs.length === 0) {
    placed = { ...node, inputs: prev ? [prev.id] : [] } as GraphNode
  }
  const out = [...nodes.slice(0, at), placed, ...nodes.slice(at)]
  // The layer below was fed by the one above: now it is fed by the new layer.
  if (next && placed.kind !== 'Input' && prev && next.inputs.includes(prev.id) && !next.inputs.includes(placed.id)) {
    out[at + 1] = { ...next, inputs: next.inputs.map((x) => (x === prev.id ? placed.id : x)) } as GraphNode
  } else if (next && placed.kind === 'Input' && next.kind !== 'Input' && next.inputs.length === 0) {
    // An Input put above an unfed first layer feeds it.
    out[at + 1] = { ...next, inputs: [placed.id] } as GraphNode
  }
  let outs = outputs
  const atEnd = at === nodes.length
  if (atEnd && placed.kind !== 'Input') {
    if (outs.length === 0) outs = [placed.id]
    else if (prev && outs.includes(prev.id)) outs = outs.map((o) => (o === prev.id ? placed.id : o))
  }
  return { nodes: out, outputs: outs }
}

/**
 * Inserts a new `kind` layer (Keras defaults unless `params` says otherwise) at `index` of the
 * stack. Returns the new spec and the new layer's id.
 */
export function insertLayer(spec: GraphSpec, index: number, kind: LayerKind, params?: Record<string, unknown>): { spec: GraphSpec; id: string } {
  const id = newNodeId(spec, kind)
  const node = { id, kind, inputs: [], ...(params && Object.keys(params).length > 0 ? { params } : {}) } as GraphNode
  const r = place(spec.nodes, spec.outputs, node, index, false)
  return { spec: withNodes(spec, r.nodes, r.outputs), id }
}

/** Deletes layer `id`; its consumers (and the outputs) are fed by its first input instead. */
export function removeLayer(spec: GraphSpec, id: string): GraphSpec {
  const d = detach(spec, id)
  return d ? withNodes(spec, d.nodes, d.outputs) : spec
}

/**
 * Moves layer `id` to `index` of the stack (its index after the move), rewiring the chain at the
 * old and the new place. A merge layer keeps its chosen inputs.
 */
export function moveLayer(spec: GraphSpec, id: string, index: number): GraphSpec {
  const from = spec.nodes.findIndex((n) => n.id === id)
  if (from < 0 || index === from || index < 0 || index >= spec.nodes.length) return spec
  const d = detach(spec, id)
  if (!d) return spec
  const keep = MERGE_KINDS.has(d.node.kind)
  const node = keep ? { ...d.node, inputs: d.node.inputs.filter((x) => x !== id) } as GraphNode : d.node
  const r = place(d.nodes, d.outputs, node, index, keep)
  return withNodes(spec, r.nodes, r.outputs)
}

/**
 * Sets one parameter of layer `id`; `value` undefined clears it (back to the default). A dotted
 * key sets a field of a nested object (`kernelRegularizer.l2`); an object left empty is removed.
 */
export function setParam(spec: GraphSpec, id: string, key: string, value: unknown): GraphSpec {
  let changed = false
  const nodes = spec.nodes.map((n) => {
    if (n.id !== id) return n
    const params: Record<string, unknown> = { ...(n.params ?? {}) }
    const [head, sub] = key.split('.', 2) as [string, string | undefined]
    if (sub !== undefined) {
      const inner: Record<string, unknown> = { ...((params[head] as Record<string, unknown> | undefined) ?? {}) }
      if (value === undefined) delete inner[sub]
      else inner[sub] = value
      if (Object.keys(inner).length === 0) delete params[head]
      else params[head] = inner
    } else if (value === undefined) {
      delete params[head]
    } else {
      params[head] = value
    }
    changed = true
    const { params: _old, ...rest } = n
    void _old
    return (Object.keys(params).length > 0 ? { ...rest, params } : rest) as GraphNode
  })
  return changed ? withNodes(spec, nodes) : spec
}

/** Reads a parameter as stored (undefined when it takes the default); dotted keys read nested fields. */
export function getParam(node: GraphNode, key: string): unknown {
  const [head, sub] = key.split('.', 2) as [string, string | undefined]
  const v = (node.params as Record<string, unknown> | undefined)?.[head]
  if (sub === undefined) return v
  return (v as Record<string, unknown> | undefined)?.[sub]
}

/** The value a parameter has in effect: the stored one or the kind's default. */
export function effectiveParam(node: GraphNode, key: string): unknown {
  const stored = getParam(node, key)
  if (stored !== undefined) return stored
  const [head, sub] = key.split('.', 2) as [string, string | undefined]
  const d = (LAYER_DEFAULTS[node.kind] as Record<string, unknown>)[head]
  return sub === undefined ? d : (d as Record<string, unknown> | undefined)?.[sub]
}

/** Rewires layer `id` to be fed by `inputs` (in order). */
export function setInputs(spec: GraphSpec, id: string, inputs: string[]): GraphSpec {
  const nodes = spec.nodes.map((n) => (n.id === id ? { ...n, inputs: [...inputs] } as GraphNode : n))
  return withNodes(spec, nodes)
}

/** Makes layer `id` the model's (single) output. */
export function setOutput(spec: GraphSpec, id: string): GraphSpec {
  return spec.outputs.length === 1 && spec.outputs[0] === id ? spec : withNodes(spec, spec.nodes, [id])
}

/** Layers that may feed layer `id`: every layer above it in the stack (no cycles by construction). */
export function candidateInputs(spec: GraphSpec, id: string): string[] {
  const at = spec.nodes.findIndex((n) => n.id === id)
  return at < 0 ? [] : spec.nodes.slice(0, at).map((n) => n.id)
}

/** Why `next` cannot be the new id of layer `id` (an i18n key under composer.errors), or null. */
export function renameProblem(spec: GraphSpec, id: string, next: string): 'idPattern' | 'idTaken' | null {
  if (!NODE_ID_PATTERN.test(next)) return 'idPattern'
  if (next !== id && spec.nodes.some((n) => n.id === next)) return 'idTaken'
  return null
}

/** Renames layer `id` to `next` everywhere it is referenced; unchanged spec when the name is unusable. */
export function renameLayer(spec: GraphSpec, id: string, next: string): GraphSpec {
  if (next === id || renameProblem(spec, id, next)) return spec
  const nodes = spec.nodes.map((n) => {
    const inputs = n.inputs.map((x) => (x === id ? next : x))
    return { ...n, id: n.id === id ? next : n.id, inputs } as GraphNode
  })
  return withNodes(spec, nodes, spec.outputs.map((o) => (o === id ? next : o)))
}

/** Clamps a selection index after an edit (−1 for an empty stack). */
export function clampIndex(i: number, length: number): number {
  return length === 0 ? -1 : Math.max(0, Math.min(i, length - 1))
}

/** A one-click repair the composer offers next to a problem. */
export interface QuickFix {
  /** i18n key under `composer.fixes` and its params. */
  key: string
  params: Record<string, string | number>
  apply: (spec: GraphSpec) => GraphSpec
}

/**
 * The repair for a problem at node `id` when there is an obvious one: the Input takes the dataset's
 * shape, the output gets as many units as classes (or targets) and the activation the task needs,
 * a Flatten goes before an output that is not a vector.
 */
export function quickFix(spec: GraphSpec, id: string, code: string, data: GraphDatasetInfo | undefined): QuickFix | null {
  const node = spec.nodes.find((n) => n.id === id)
  if (!node || !data) return null
  const classification = data.task === 'classification'
  switch (code) {
    case 'input-shape':
      return node.kind === 'Input' ? { key: 'useDatasetShape', params: { shape: data.inputShape.join('×') }, apply: (s) => setParam(s, id, 'shape', undefined) } : null
    case 'output-size': {
      if (node.kind !== 'Dense') return null
      const units = classification ? data.numClasses : data.numTargets ?? 1
      return { key: 'setUnits', params: { units }, apply: (s) => setParam(s, id, 'units', units) }
    }
    case 'output-activation': {
      if (node.kind !== 'Dense' && node.kind !== 'Activation') return null
      const activation = classification ? 'softmax' : 'linear'
      return { key: 'setActivation', params: { activation }, apply: (s) => setParam(s, id, 'activation', activation) }
    }
    case 'output-rank':
    case 'rank': {
      if (node.kind !== 'Dense' || (code === 'rank' && !spec.outputs.includes(id))) return null
      const at = spec.nodes.findIndex((n) => n.id === id)
      return { key: 'addFlatten', params: {}, apply: (s) => insertLayer(s, at, 'Flatten').spec }
    }
    default:
      return null
  }
}
