/** The value a label takes once its budget of distinct values is spent, or for names nobody registered. */
export const OTHER_LABEL = '__other';

/**
 * Keeps a metric label's cardinality bounded: values in `known` always pass; other values pass
 * until `budget` distinct ones have been seen, then fold into `__other`. Every label value
 * is a time series in Prometheus, so a client sending random operation names must not be
 * able to grow them without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private budget: number,
    private known: ReadonlySet<string> = new Set(),
    /** What an absent value is reported as. */
    private readonly absent = '__none',
  ) {}

  /**
   * Replaces the always-allowed values (a BFF's registered operations change on a swap) and,
   * if given, the budget for the others (0: every value not known folds).
   */
  setKnown(known: ReadonlySet<string>, budget = this.budget): void {
    this.known = known;
    this.budget = budget;
  }

  of(value: string | undefined | null): string {
    if (value === undefined || value === null || value === '') return this.absent;
    if (this.known.has(value)) return value;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.budget || value.length > 100) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}
