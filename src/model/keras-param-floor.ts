/**
 * A lower bound on the parameters of a Keras document's layers, read from their configs
 * alone: no shapes needed, so it is known before tfjs builds (and allocates) anything. tfjs
 * creates every weight while deserializing, so a `Dense` of 10⁹ units would take seconds
 * and gigabytes to refuse after the fact; this refuses it by arithmetic. Counts only what
 * the config fixes whatever the input: a Dense has at least `units` weights per input
 * feature, an Embedding exactly `input_dim × output_dim`, a recurrent layer at least its
 * recurrent kernel. Nested models (a Sequential inside a Functional one) are walked too.
 */
export function kerasParamFloor(doc: unknown): number {
  let total = 0;
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.class_name === 'string' && record.config && typeof record.config === 'object') {
      total += layerFloor(record.class_name, record.config as Record<string, unknown>);
    }
    Object.values(record).forEach(visit);
  };
  visit(doc);
  return total;
}

const positive = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
const area = (kernel: unknown) => (Array.isArray(kernel) ? kernel.reduce((n: number, k) => n * (positive(k) || 1), 1) : positive(kernel) || 1);

function layerFloor(className: string, config: Record<string, unknown>): number {
  switch (className) {
    case 'Dense':
      return positive(config.units);
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      return positive(config.filters) * area(config.kernel_size);
    case 'SeparableConv2D':
    case 'SeparableConv1D':
      return positive(config.filters);
    case 'Embedding':
      return positive(config.input_dim) * positive(config.output_dim);
    case 'LSTM':
      return 4 * positive(config.units) ** 2;
    case 'GRU':
      return 3 * positive(config.units) ** 2;
    case 'SimpleRNN':
      return positive(config.units) ** 2;
    default:
      return 0;
  }
}
