import type { Attributes } from '@opentelemetry/api';

type Value = string | undefined;

interface Node {
  next: Map<Value, Node>;
  attrs?: Attributes;
}

/**
 * Frozen attribute objects, one per combination of (bounded) label values, so a
 * hot path records with the same object every time instead of building a new one
 * per call. The SDK still hashes them, but allocation and key sorting happen once.
 *
 * Keys are fixed at construction; `undefined` values leave the attribute out.
 * Inputs must already be bounded (see `BoundedValues`); as a second guard the
 * cache stops caching past `maxEntries` and builds uncached objects instead.
 *
 * @example
 * const cache = new AttributeSetCache(['mcp.method.name', 'gen_ai.tool.name']);
 * const attrs = cache.get('tools/call', 'get_weather'); // same object every call
 */
export class AttributeSetCache {
  private readonly root: Node = { next: new Map() };
  private entries = 0;

  constructor(
    private readonly keys: readonly string[],
    private readonly maxEntries = 10_000,
  ) {
    if (keys.length === 0 || keys.length > 8) {
      throw new RangeError('AttributeSetCache takes 1 to 8 keys');
    }
  }

  /** The attribute set for these values, in the order of the keys given at construction. */
  get(
    v0?: Value,
    v1?: Value,
    v2?: Value,
    v3?: Value,
    v4?: Value,
    v5?: Value,
    v6?: Value,
    v7?: Value,
  ): Attributes {
    let node = this.root;
    const n = this.keys.length;
    for (let i = 0; i < n; i++) {
      const v =
        i === 0
          ? v0
          : i === 1
            ? v1
            : i === 2
              ? v2
              : i === 3
                ? v3
                : i === 4
                  ? v4
                  : i === 5
                    ? v5
                    : i === 6
                      ? v6
                      : v7;
      let child = node.next.get(v);
      if (child === undefined) {
        if (this.entries >= this.maxEntries) {
          return this.build([v0, v1, v2, v3, v4, v5, v6, v7]);
        }
        child = { next: new Map() };
        node.next.set(v, child);
      }
      node = child;
    }
    if (node.attrs === undefined) {
      node.attrs = this.build([v0, v1, v2, v3, v4, v5, v6, v7]);
      this.entries++;
    }
    return node.attrs;
  }

  get size(): number {
    return this.entries;
  }

  private build(values: Value[]): Attributes {
    const attrs: Attributes = {};
    for (let i = 0; i < this.keys.length; i++) {
      const v = values[i];
      if (v !== undefined) attrs[this.keys[i] as string] = v;
    }
    return Object.freeze(attrs);
  }
}
