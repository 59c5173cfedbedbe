/** The value a bounded label takes for anything outside its allow-list. */
export const OTHER = '_OTHER';

/** Options of {@link BoundedValues}. */
export interface BoundedValuesOptions {
  /**
   * Most distinct values the allow-list may hold; `add` beyond it is refused so
   * that a server registering tools in a loop cannot grow series without end.
   * @default 1000
   */
  maxValues?: number;
  /**
   * Longest value accepted, in UTF-16 code units; longer values map to `_OTHER`.
   * @default 256
   */
  maxLength?: number;
}

/**
 * A metric label whose values are limited to an allow-list; any other value,
 * whatever a client sends, becomes `_OTHER`. This is what keeps a hostile or
 * careless client from creating unbounded Prometheus series.
 *
 * @example
 * const tools = new BoundedValues(['get_weather']);
 * tools.get('get_weather'); // 'get_weather'
 * tools.get('made_up');     // '_OTHER'
 */
export class BoundedValues {
  private readonly allowed = new Set<string>();
  private readonly maxValues: number;
  private readonly maxLength: number;

  constructor(initial: Iterable<string> = [], options: BoundedValuesOptions = {}) {
    this.maxValues = options.maxValues ?? 1000;
    this.maxLength = options.maxLength ?? 256;
    for (const value of initial) this.add(value);
  }

  /** Allows `value`; returns false when it is not a usable label value or the list is full. */
  add(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > this.maxLength) {
      return false;
    }
    if (this.allowed.has(value)) return true;
    if (this.allowed.size >= this.maxValues) return false;
    this.allowed.add(value);
    return true;
  }

  /** Removes `value` from the allow-list (a tool the server unregistered). */
  delete(value: string): void {
    this.allowed.delete(value);
  }

  has(value: unknown): boolean {
    return typeof value === 'string' && this.allowed.has(value);
  }

  /** `value` itself when allowed, else `_OTHER`. */
  get(value: unknown): string {
    return typeof value === 'string' && this.allowed.has(value) ? value : OTHER;
  }

  get size(): number {
    return this.allowed.size;
  }

  values(): IterableIterator<string> {
    return this.allowed.values();
  }
}
