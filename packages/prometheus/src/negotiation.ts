/*
 * Content negotiation (compatibility spec: serve OpenMetrics when the scraper
 * accepts it). Prometheus sends e.g.
 * `application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`.
 */

export type ExpositionFormat = 'openmetrics' | 'text';

export const CONTENT_TYPE_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
export const CONTENT_TYPE_OPENMETRICS =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The format to serve for an `Accept` header: OpenMetrics 1.0 when preferred at least as much as text. */
export function negotiateFormat(accept: string | null | undefined): ExpositionFormat {
  if (!accept || !accept.includes('openmetrics')) return 'text';
  let om = -1;
  let text = -1;
  for (const range of accept.split(',')) {
    const parts = range.split(';');
    const type = (parts[0] ?? '').trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    for (let i = 1; i < parts.length; i++) {
      const [k, v] = (parts[i] ?? '').split('=').map((x) => x.trim());
      if (k?.toLowerCase() === 'q') q = Number(v);
      else if (k?.toLowerCase() === 'version') version = v;
    }
    if (!(q > 0)) continue;
    if (type === 'application/openmetrics-text') {
      if (version === undefined || version === '1.0.0' || version === '0.0.1') om = Math.max(om, q);
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      text = Math.max(text, q);
    }
  }
  return om >= 0 && om >= text ? 'openmetrics' : 'text';
}

export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics' ? CONTENT_TYPE_OPENMETRICS : CONTENT_TYPE_TEXT;
}
