/**
 * Per-column mean and population standard deviation in one streaming pass (Welford's
 * algorithm: numerically stable where sum-of-squares would cancel catastrophically).
 */
export class ColumnStats {
  private count = 0;
  private readonly means: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly columns: number) {
    this.means = new Float64Array(columns);
    this.m2 = new Float64Array(columns);
  }

  add(row: ArrayLike<number>): void {
    this.count++;
    for (let j = 0; j < this.columns; j++) {
      const delta = row[j] - this.means[j];
      this.means[j] += delta / this.count;
      this.m2[j] += delta * (row[j] - this.means[j]);
    }
  }

  mean(): number[] {
    return Array.from(this.means);
  }

  /** A constant column has std 0; it becomes 1 so standardizing leaves it at 0 instead of NaN. */
  std(): number[] {
    return Array.from(this.m2, (m2) => {
      const std = this.count > 0 ? Math.sqrt(m2 / this.count) : 0;
      return std > 0 ? std : 1;
    });
  }
}
