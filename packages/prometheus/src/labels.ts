import type { Attributes } from '@opentelemetry/api';
import { warnOnce } from '@mcpmeter/core';
import { attributeValueText, escapeLabelValue } from './format.js';
import { sanitizeLabelName } from './naming.js';

/*
 * Attribute sets → the inside of `{…}`. A data point's attribute object is the
 * same object scrape after scrape (the SDK keeps the first one recorded), so the
 * rendered text is cached by identity; a hostile or huge set costs once.
 */

const KEY_CACHE_LIMIT = 10_000;

export class LabelRenderer {
  private readonly byObject = new WeakMap<Attributes, string>();
  private readonly keys = new Map<string, string>();

  /** `reserved`: label names the exposition adds itself (`le`, scope labels…); attributes may not use them. */
  constructor(private readonly reserved: ReadonlySet<string>) {}

  /** `k1="v1",k2="v2"` for an attribute set ('' when empty). */
  render(attributes: Attributes): string {
    let text = this.byObject.get(attributes);
    if (text === undefined) {
      text = this.build(attributes);
      this.byObject.set(attributes, text);
    }
    return text;
  }

  private key(raw: string): string {
    let k = this.keys.get(raw);
    if (k === undefined) {
      k = sanitizeLabelName(raw);
      if (this.keys.size < KEY_CACHE_LIMIT) this.keys.set(raw, k);
    }
    return k;
  }

  private build(attributes: Attributes): string {
    // Sorted by original key, so keys that collide after sanitizing (`a.b`, `a_b`)
    // merge in a stable order, joined with ';' as the compatibility spec says.
    const labels = new Map<string, string>();
    for (const raw of Object.keys(attributes).sort()) {
      const value = attributes[raw];
      if (value === undefined) continue;
      const key = this.key(raw);
      if (this.reserved.has(key)) {
        warnOnce(
          `prometheus-reserved-${key}`,
          `mcpmeter: attribute "${raw}" maps to the label "${key}", which the exposition sets itself; it is left out of the metric labels. Rename the attribute.`,
        );
        continue;
      }
      const text = attributeValueText(value);
      const prev = labels.get(key);
      labels.set(key, prev === undefined ? text : `${prev};${text}`);
    }
    // Joined rather than built with `+=`: the text is cached for the life of the
    // series, and a concatenation tree of it is ~5× the size of the flat string.
    const parts: string[] = [];
    for (const [key, value] of labels) parts.push(`${key}="${escapeLabelValue(value)}"`);
    return parts.join(',');
  }
}

/** The resource attributes that become constant labels on every sample. */
export function selectResourceLabels(
  attributes: Attributes,
  select: RegExp | readonly string[] | undefined,
): Attributes | undefined {
  if (select === undefined) return undefined;
  const out: Attributes = {};
  let any = false;
  for (const [k, v] of Object.entries(attributes)) {
    const pick = Array.isArray(select) ? select.includes(k) : k.match(select as RegExp) !== null;
    if (pick && v !== undefined) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}
