/** Flattens a spec to `compile.optimizer.learningRate`-style paths with JSON values at the leaves. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
}

/** The paths where the specs do not all agree (a path one spec lacks counts as differing), with each spec's value. */
export function differingPaths(specs: unknown[]): { path: string; values: (string | undefined)[] }[] {
  const flat = specs.map((s) => {
    const m = new Map<string, string>();
    flatten(s, '', m);
    return m;
  });
  const paths = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  return paths.map((path) => ({ path, values: flat.map((m) => m.get(path)) })).filter(({ values }) => new Set(values).size > 1);
}
