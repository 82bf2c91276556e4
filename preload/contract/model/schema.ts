/**
 * Runtime schema of a {@link GraphSpec}, for main to check a graph where it enters (IPC, import,
 * a stored model row). Structure and types only: whether the layers fit together is
 * {@link analyzeGraph}'s job, so that a half-edited graph can still be saved and reopened.
 * Only main imports this file at runtime (the renderer imports ./graph and ./analyze, no zod).
 */
import { z } from 'zod'
import { ACTIVATIONS, GRAPH_FORMAT, GRAPH_VERSION, NODE_ID_PATTERN, type GraphSpec, type LayerKind } from './graph'

const Int = z.number().int()
const Num = z.number().refine(Number.isFinite, 'expected a finite number')
const Size2D = z.union([Int, z.tuple([Int, Int])])
const Activation = z.enum(ACTIVATIONS)
const Padding = z.enum(['valid', 'same'])
const RecurrentActivation = z.enum(['sigmoid', 'hardSigmoid'])
const Regularizer = z.object({ l1: Num.optional(), l2: Num.optional() }).strict()
const regs = { kernelRegularizer: Regularizer.optional(), biasRegularizer: Regularizer.optional() }
const Empty = z.object({}).strict()

/** Parameter schemas per kind; every field optional because the spec stores only what differs. */
const PARAMS = {
  Input: z.object({ shape: z.array(Int).optional() }).strict(),
  Dense: z.object({ units: Int, activation: Activation, useBias: z.boolean(), ...regs }).partial().strict(),
  Conv1D: z.object({ filters: Int, kernelSize: Int, strides: Int, padding: Padding, activation: Activation, useBias: z.boolean(), ...regs }).partial().strict(),
  Conv2D: z.object({ filters: Int, kernelSize: Size2D, strides: Size2D, padding: Padding, activation: Activation, useBias: z.boolean(), ...regs }).partial().strict(),
  DepthwiseConv2D: z.object({ kernelSize: Size2D, strides: Size2D, padding: Padding, depthMultiplier: Int, activation: Activation, useBias: z.boolean(), ...regs }).partial().strict(),
  MaxPooling1D: z.object({ poolSize: Int, strides: Int.nullable(), padding: Padding }).partial().strict(),
  MaxPooling2D: z.object({ poolSize: Size2D, strides: Size2D.nullable(), padding: Padding }).partial().strict(),
  AveragePooling1D: z.object({ poolSize: Int, strides: Int.nullable(), padding: Padding }).partial().strict(),
  AveragePooling2D: z.object({ poolSize: Size2D, strides: Size2D.nullable(), padding: Padding }).partial().strict(),
  GlobalAveragePooling1D: Empty,
  GlobalAveragePooling2D: Empty,
  Flatten: Empty,
  Reshape: z.object({ targetShape: z.array(Int) }).partial().strict(),
  Dropout: z.object({ rate: Num }).partial().strict(),
  BatchNormalization: z.object({ axis: Int, momentum: Num, epsilon: Num, center: z.boolean(), scale: z.boolean() }).partial().strict(),
  LayerNormalization: z.object({ axis: Int, epsilon: Num, center: z.boolean(), scale: z.boolean() }).partial().strict(),
  Activation: z.object({ activation: Activation, alpha: Num }).partial().strict(),
  Embedding: z.object({ inputDim: Int, outputDim: Int, kernelRegularizer: Regularizer }).partial().strict(),
  LSTM: z.object({ units: Int, activation: Activation, recurrentActivation: RecurrentActivation, useBias: z.boolean(), unitForgetBias: z.boolean(), returnSequences: z.boolean(), recurrentRegularizer: Regularizer, ...regs }).partial().strict(),
  GRU: z.object({ units: Int, activation: Activation, recurrentActivation: RecurrentActivation, useBias: z.boolean(), returnSequences: z.boolean(), recurrentRegularizer: Regularizer, ...regs }).partial().strict(),
  Add: Empty,
  Concatenate: z.object({ axis: Int }).partial().strict()
} satisfies Record<LayerKind, z.ZodType>

const nodeOf = <K extends LayerKind, P extends z.ZodType>(kind: K, params: P) => z.object({
  id: z.string().regex(NODE_ID_PATTERN, 'layer ids start with a letter and use only letters, digits and _ (at most 64)'),
  kind: z.literal(kind),
  inputs: z.array(z.string()).max(64),
  params: params.optional(),
  label: z.string().max(120).optional()
}).strict()

/** One node: a union discriminated by `kind`. */
export const GraphNodeSchema = z.discriminatedUnion('kind', [
  nodeOf('Input', PARAMS.Input), nodeOf('Dense', PARAMS.Dense), nodeOf('Conv1D', PARAMS.Conv1D), nodeOf('Conv2D', PARAMS.Conv2D), nodeOf('DepthwiseConv2D', PARAMS.DepthwiseConv2D),
  nodeOf('MaxPooling1D', PARAMS.MaxPooling1D), nodeOf('MaxPooling2D', PARAMS.MaxPooling2D), nodeOf('AveragePooling1D', PARAMS.AveragePooling1D), nodeOf('AveragePooling2D', PARAMS.AveragePooling2D),
  nodeOf('GlobalAveragePooling1D', PARAMS.GlobalAveragePooling1D), nodeOf('GlobalAveragePooling2D', PARAMS.GlobalAveragePooling2D), nodeOf('Flatten', PARAMS.Flatten), nodeOf('Reshape', PARAMS.Reshape),
  nodeOf('Dropout', PARAMS.Dropout), nodeOf('BatchNormalization', PARAMS.BatchNormalization), nodeOf('LayerNormalization', PARAMS.LayerNormalization), nodeOf('Activation', PARAMS.Activation),
  nodeOf('Embedding', PARAMS.Embedding), nodeOf('LSTM', PARAMS.LSTM), nodeOf('GRU', PARAMS.GRU), nodeOf('Add', PARAMS.Add), nodeOf('Concatenate', PARAMS.Concatenate)
])

/** A whole graph spec (at most 2000 layers: far beyond what the composer draws, a bound on input size). */
export const GraphSpecSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string().max(120).optional(),
  nodes: z.array(GraphNodeSchema).max(2000),
  outputs: z.array(z.string()).min(1).max(16)
}).strict()

// Compile-time proof that the schema and the hand-written types describe the same thing.
type Parsed = z.infer<typeof GraphSpecSchema>
const _toSpec = (p: Parsed): GraphSpec => p
const _fromSpec = (s: GraphSpec): Parsed => s
void _toSpec
void _fromSpec

/**
 * Parses untrusted JSON into a {@link GraphSpec}, or returns the first problem as a sentence with
 * its path (e.g. `nodes.3.params.units: expected number`). Called where a graph enters main.
 */
export function parseGraphSpec(json: unknown): { ok: true; spec: GraphSpec } | { ok: false; message: string } {
  const r = GraphSpecSchema.safeParse(json)
  if (r.success) return { ok: true, spec: r.data as GraphSpec }
  const issue = r.error.issues[0]!
  return { ok: false, message: `${issue.path.join('.') || 'graph'}: ${issue.message}` }
}
