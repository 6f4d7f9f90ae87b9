import { ACCURACY_METRICS, type MetricName } from './compile-spec.schema.ts';

/**
 * Long names tfjs's `compile` does not resolve as metrics (it knows them only as losses),
 * mapped to the short names it does, which are also the keys history reports.
 */
const METRIC_ALIASES: Partial<Record<MetricName, string>> = {
  meanSquaredError: 'mse',
  meanAbsoluteError: 'mae',
  meanAbsolutePercentageError: 'mape',
  meanSquaredLogarithmicError: 'msle',
  cosineProximity: 'cosine',
};

/**
 * The name a spec metric goes by in tfjs. Every accuracy variant becomes `acc`: tfjs then
 * picks binary, categorical or sparse accuracy from the loss and output and names it `acc` /
 * `val_acc` in the history.
 */
export function tfjsMetricName(metric: MetricName): string {
  return (ACCURACY_METRICS as readonly string[]).includes(metric) ? 'acc' : (METRIC_ALIASES[metric] ?? metric);
}

/** The key each epoch's metrics report a spec metric under (tfjs abbreviates crossentropy to `ce`). */
export function historyKeyOf(metric: MetricName): string {
  const name = tfjsMetricName(metric);
  return name === 'crossentropy' ? 'ce' : name;
}
