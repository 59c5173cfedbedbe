/*
 * The live page's script (inlined by page.ts): polls the hub's JSON API every second and renders the route.
 * Every value from the API reaches the DOM through textContent, setAttribute or CSSOM — never innerHTML —
 * and every href is built from encodeURIComponent under '#/', so a hostile tool or span name stays text.
 * Plain browser JavaScript in a string: no backticks or template substitutions inside it.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const POLL_MS = 1000;
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  const main = document.getElementById('main');
  const statusEl = document.getElementById('status');
  const filterEl = document.getElementById('filter');
  const footEl = document.getElementById('foot');
  const st = { data: null, ok: null, hash: location.hash, colors: new Map(), procs: new Map(), focusHref: '', routeFocus: false, scrolled: '', sig: '' };
  let timer = 0;
  let seq = 0;

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else el.setAttribute(k, String(v));
    }
    add(el, kids);
    return el;
  }
  function add(el, kid) {
    if (kid === undefined || kid === null || kid === false) return;
    if (Array.isArray(kid)) for (const k of kid) add(el, k);
    else el.append(kid instanceof Node ? kid : String(kid));
  }
  const td = (content, cls, title) => h('span', { class: 'td' + (cls ? ' ' + cls : ''), title }, content);
  function sized(tag, cls, prop, value) {
    const el = h(tag, { class: cls });
    el.style[prop] = value;
    return el;
  }
  const num = (v) => (typeof v === 'number' && isFinite(v) ? v : 0);
  function fmtMs(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    if (v === 0) return '0 ms';
    if (v < 1) return v.toFixed(2) + ' ms';
    if (v < 10) return v.toFixed(1) + ' ms';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 60000) return (v / 1000).toFixed(v < 10000 ? 2 : 1) + ' s';
    const m = Math.floor(v / 60000), sec = Math.round((v % 60000) / 1000);
    return m + ' min' + (sec ? ' ' + sec + ' s' : '');
  }
  function fmtLe(v) {
    const p = (x) => String(Number(x.toPrecision(3)));
    return v >= 60000 ? p(v / 60000) + ' min' : v >= 1000 ? p(v / 1000) + ' s' : p(v) + ' ms';
  }
  function fmtRate(v) {
    v = num(v);
    return v === 0 ? '0' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : String(Math.round(v));
  }
  function fmtPct(v) {
    v = num(v) * 100;
    return v === 0 ? '0%' : v < 0.1 ? '<0.1%' : v < 10 ? v.toFixed(1) + '%' : Math.round(v) + '%';
  }
  const fmtInt = (v) => Math.round(num(v)).toLocaleString('en-US');
  const fmtUsd = (v) => '$' + (num(v) === 0 ? '0' : num(v) < 1 ? num(v).toFixed(4) : num(v).toFixed(2));
  function ago(t) {
    const s = (Date.now() - num(t)) / 1000;
    if (s < 2) return 'now';
    if (s < 60) return Math.round(s) + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }
  const clock = (t) => new Date(num(t)).toLocaleTimeString([], { hour12: false });
  const short = (id) => String(id || '').slice(0, 8);
  const enc = encodeURIComponent;
  const idOf = (p) => (p && typeof p === 'object' ? p.id : p);
  const toolHref = (pid, tool, side) => '#/tool/' + enc(idOf(pid)) + '/' + enc(tool) + (side === 'client' ? '?side=client' : '');
  const traceHref = (t, s) => '#/trace/' + enc(t) + (s ? '/' + enc(s) : '');
  function color(id) {
    if (!st.colors.has(id)) st.colors.set(id, PALETTE[st.colors.size % PALETTE.length]);
    return st.colors.get(id);
  }
  const swatch = (id) => sized('i', 'sw', 'background', color(id));
  const isErr = (s) => { const c = s && s.status ? s.status.code : 0; return c === 2 || /ERROR/i.test(String(c)); };

  function dec(x) { try { return decodeURIComponent(x); } catch { return x; } }
  function parseRoute() {
    let path = location.hash.replace(/^#\/?/, '');
    let query = '';
    const qi = path.indexOf('?');
    if (qi >= 0) { query = path.slice(qi + 1); path = path.slice(0, qi); }
    const parts = path.split('/').map(dec);
    if (parts[0] === 'trace' && parts[1]) return { view: 'trace', traceId: parts[1], spanId: parts[2] || '', api: '/api/traces/' + enc(parts[1]) };
    if (parts[0] === 'tool' && parts[1] && parts.length > 2) {
      const tool = parts.slice(2).join('/');
      const side = /(^|&)side=client(&|$)/.test(query) ? 'client' : 'server';
      return { view: 'tool', processId: parts[1], tool, side, api: '/api/tools/' + enc(parts[1]) + '/' + enc(tool) + '?side=' + side };
    }
    return { view: 'overview', api: '/api/overview' };
  }

  async function get(url) {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), 4000);
    try {
      const res = await fetch(url, { signal: ctl.signal, cache: 'no-store', headers: { accept: 'application/json' } });
      if (res.status === 404) return { notFound: true, text: '404' };
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const text = await res.text();
      return { body: JSON.parse(text), text };
    } finally {
      clearTimeout(t);
    }
  }
  async function tick() {
    const my = ++seq;
    clearTimeout(timer);
    const r = parseRoute();
    try {
      let data;
      if (r.view === 'overview') {
        const [o, t] = await Promise.all([get('/api/overview'), get('/api/traces?limit=50')]);
        const traces = Array.isArray(t.body) ? t.body : (t.body && t.body.traces) || [];
        data = { api: r.api, overview: o.body || {}, traces, text: '' };
      } else {
        const x = await get(r.api);
        data = { api: r.api, notFound: !!x.notFound, body: x.body || {}, text: x.text };
      }
      if (my !== seq) return;
      data.at = Date.now();
      setStatus(true);
      st.data = data;
      render();
    } catch (err) {
      if (my === seq) setStatus(false, err);
    }
    if (my === seq) timer = setTimeout(tick, POLL_MS);
  }
  function setStatus(ok, err) {
    if (ok) statusEl.title = 'last update ' + clock(Date.now());
    if (st.ok === ok) return;
    st.ok = ok;
    statusEl.dataset.state = ok ? 'live' : 'down';
    statusEl.textContent = ok ? 'live' : 'hub unreachable';
    document.body.classList.toggle('stale', !ok);
    const banner = document.getElementById('lost');
    if (banner) banner.remove();
    if (ok) return;
    const http = err && /^HTTP \d+$/.test(err.message) ? err.message : '';
    const why = h('p', { id: 'lost', class: 'lost', 'data-testid': 'hub-unreachable' },
      http ? 'The hub answered ' + http + '. ' : ['No answer from the hub: is ', h('code', null, 'mcpmeter ui'), ' still running? '],
      'Retrying every second', st.data ? '; the data below was received at ' + clock(st.data.at) + '.' : '.');
    if (st.data) main.prepend(why);
    else main.replaceChildren(why);
  }

  function render() {
    const r = parseRoute();
    const d = st.data;
    if (!d || d.api !== r.api) return;
    const sig = location.hash + '\n' + filterEl.value + '\n' + d.text;
    if (r.view !== 'overview' && sig === st.sig) return; // unchanged: keep the reader's text selection
    st.sig = sig;
    const ae = document.activeElement;
    const keep = ae && main.contains(ae) ? ae.getAttribute('href') : '';
    main.replaceChildren(...(r.view === 'trace' ? traceView(d, r) : r.view === 'tool' ? toolView(d, r) : overview(d)));
    document.title = 'mcpmeter · ' + (r.view === 'overview' ? 'live' : r.view === 'tool' ? r.tool : 'trace ' + short(r.traceId));
    const want = st.focusHref || keep;
    const el = want ? main.querySelector('a[href="' + CSS.escape(want) + '"]') : null;
    if (el) el.focus({ preventScroll: !!keep });
    else if (st.routeFocus && (!document.activeElement || document.activeElement === document.body)) main.focus({ preventScroll: true });
    st.focusHref = '';
    st.routeFocus = false;
    if (r.view === 'trace' && r.spanId && st.scrolled !== location.hash) {
      st.scrolled = location.hash;
      const sel = main.querySelector('[data-highlighted="true"]');
      if (sel) sel.scrollIntoView({ block: 'nearest' });
    }
  }

  const section = (cls, title, count, ...body) => h('section', { class: 'card ' + cls }, h('h2', null, title, count === null ? null : h('span', { class: 'count' }, count)), body);
  const table = (cls, cols, rows, empty) => h('div', { class: 't-' + cls }, h('div', { class: 'tr th' }, cols.map((c) => td(c.replace(/^#/, ''), c[0] === '#' ? 'n' : ''))), rows.length ? rows : h('div', { class: 'none' }, empty));
  const errChips = (errors) => Object.entries(errors || {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => h('span', { class: 'chip' }, k + ' ', h('b', null, fmtInt(v))));
  const errTitle = (errors) => Object.entries(errors || {}).map(([k, v]) => k + ': ' + v).join(', ');

  function overview(d) {
    const o = d.overview;
    const procs = o.processes || [], tools = o.tools || [], sessions = o.sessions || [], llm = o.llm || [];
    for (const p of procs) { color(p.id); st.procs.set(p.id, p); }
    const q = filterEl.value.trim().toLowerCase();
    const match = (...xs) => !q || xs.some((x) => String(x === undefined || x === null ? '' : x).toLowerCase().includes(q));
    const out = [];
    if (!procs.length) {
      out.push(h('section', { class: 'card empty full', 'data-testid': 'empty' }, h('h2', null, 'No processes yet'),
        h('p', null, 'Start an instrumented process — it shows here within 10 seconds, with no configuration:'),
        h('pre', null, h('code', null, 'node --import @mcpmeter/node/register server.js')), h('p', null, 'or, for a stdio server in any language:'), h('pre', null, h('code', null, 'mcpmeter wrap -- <cmd>')),
        h('p', { class: 'muted' }, 'Processes find the hub on its OTLP endpoint' + (o.hub && o.hub.otlpUrl ? ' ' + o.hub.otlpUrl : '') + ', where they already send their traces.')));
      if (!tools.length && !d.traces.length) return [h('div', { class: 'ov' }, out)];
    } else {
      const up = procs.filter((p) => p.up).length;
      out.push(section('full', 'Processes', up + ' up · ' + (procs.length - up) + ' down', table('proc', ['', 'service', 'instance', '#pid', 'transport', 'runtime', '#spans', '#last seen'],
        procs.map((p) => h('div', { class: 'tr', 'data-testid': 'process-row', 'data-process-id': p.id, 'data-service': p.service, 'data-up': String(!!p.up) },
          td(h('span', { class: 'badge ' + (p.up ? 'up' : 'down') }, p.up ? 'up' : 'down')), td([swatch(p.id), p.service], 'strong', p.service),
          td(short(p.id), 'mono', p.id), td(p.pid === undefined || p.pid === null ? '–' : String(p.pid), 'n'), td(p.transport || '–'), td(p.runtime || '–', '', p.runtime),
          td(fmtInt(p.spans), 'n'), td(ago(p.lastSeen), 'n', clock(p.lastSeen)))))));
    }
    const shown = tools.filter((t) => match(t.tool, t.service, t.process, t.side));
    out.push(section('full', 'Tools', q ? shown.length + ' of ' + tools.length : tools.length, table('tools', ['service', 'tool', 'side', '#calls', '#calls/s', '#errors', 'error types', '#p50', '#p95', '#active'],
      shown.map((t) => h('a', { class: 'tr', href: toolHref(t.process, t.tool, t.side), 'data-testid': 'tool-row', 'data-process-id': t.process, 'data-service': t.service, 'data-tool': t.tool, 'data-side': t.side },
        td([swatch(t.process), t.service, h('span', { class: 'mono muted' }, ' ' + short(t.process))], '', t.service + ' ' + t.process), td(t.tool, 'strong', t.tool), td(t.side, 'muted'),
        h('span', { class: 'td n', 'data-testid': 'tool-calls' }, String(Math.round(num(t.calls)))), td(fmtRate(t.callsPerSec), 'n'),
        td(fmtPct(t.errorRatio), 'n' + (num(t.errorRatio) > 0 ? ' bad' : '')), td(errChips(t.errors), '', errTitle(t.errors)),
        td(fmtMs(t.p50Ms), 'n'), td(fmtMs(t.p95Ms), 'n'), td(fmtInt(t.active), 'n'))),
      q ? 'No tool matches the filter.' : 'No tool calls yet.')));
    const traces = d.traces.filter((t) => match(t.root, t.service, t.traceId));
    const maxDur = Math.max(1, ...d.traces.map((t) => num(t.durationMs)));
    out.push(section('full', 'Recent traces', (q ? traces.length + ' of ' + d.traces.length : d.traces.length) + ' · failed, then slowest first', table('traces', ['', 'root span', 'service', '#proc', '#spans', '#duration', '#started', 'trace'],
      traces.map((t) => h('a', { class: 'tr' + (t.error ? ' err' : ''), href: traceHref(t.traceId), 'data-testid': 'trace-row', 'data-trace-id': t.traceId },
        td(h('span', { class: 'badge ' + (t.error ? 'error' : 'ok') }, t.error ? 'error' : 'ok')), td(t.root, 'strong', t.root), td(t.service, '', t.service),
        td(fmtInt(t.processes), 'n'), td(fmtInt(t.spanCount), 'n'),
        td(h('span', { class: 'dur' }, h('span', { class: 'dbar' }, sized('i', '', 'width', (100 * num(t.durationMs)) / maxDur + '%')), h('span', null, fmtMs(t.durationMs))), 'n'),
        td(ago(t.start), 'n', clock(t.start)), td(short(t.traceId), 'mono muted', t.traceId))),
      q ? 'No trace matches the filter.' : 'No traces yet: spans arrive over OTLP' + (o.hub && o.hub.otlpUrl ? ' at ' + o.hub.otlpUrl : '') + '.')));
    out.push(section('', 'Sessions', sessions.length, table('sess', ['service', 'instance', '#active', '#total'],
      sessions.map((s) => h('div', { class: 'tr', 'data-testid': 'session-row', 'data-process-id': s.process, 'data-service': s.service },
        td([swatch(s.process), s.service], '', s.service), td(short(s.process), 'mono muted', s.process), td(fmtInt(s.active), 'n'), td(fmtInt(s.total), 'n'))), 'No sessions yet.')));
    const cost = llm.reduce((a, l) => a + num(l.costUsd), 0);
    out.push(section('', 'LLM tokens and cost', llm.length ? fmtUsd(cost) + ' total' : 0, table('llm', ['service', 'provider', 'model', '#calls', '#input', '#output', '#cost'],
      llm.map((l) => h('div', { class: 'tr', 'data-testid': 'llm-row', 'data-process-id': l.process, 'data-service': l.service, 'data-provider': l.provider, 'data-model': l.model },
        td([swatch(l.process), l.service], '', l.service), td(l.provider), td(l.model, 'strong', l.model), td(fmtInt(l.calls), 'n'),
        td(fmtInt(l.inputTokens), 'n'), td(fmtInt(l.outputTokens), 'n'), td(fmtUsd(l.costUsd), 'n'))), 'No LLM calls yet.')));
    const hub = o.hub;
    if (hub) {
      const lim = hub.limits || {}, kinds = ['spans', 'traces', 'processes'];
      const kept = hub.held ? 'holds ' + kinds.map((k) => fmtInt(hub.held[k]) + ' of ' + fmtInt(lim[k]) + ' ' + k).join(', ') : 'keeps up to ' + kinds.map((k) => fmtInt(lim[k]) + ' ' + k).join(', ');
      const dropped = Object.entries(hub.dropped || {}).filter(([, v]) => num(v) > 0).map(([k, v]) => fmtInt(v) + ' ' + k);
      footEl.textContent = 'hub ' + (hub.version || '') + ' · up since ' + clock(hub.startedAt) + ' · OTLP on ' + (hub.otlpUrl || '?') + ' · ' + kept + ' · ' + (dropped.length ? 'dropped ' + dropped.join(', ') : 'nothing dropped');
    }
    return [h('div', { class: 'ov' }, out)];
  }

  const back = () => h('a', { class: 'back', href: '#/' }, '← overview ', h('kbd', null, 'Esc'));
  function notFound(what, id, why) {
    return [h('div', { class: 'head' }, back()), h('section', { class: 'card empty', 'data-testid': 'not-found' }, h('h2', null, what + ' not found'), h('p', null, h('code', null, id), ' ' + why))];
  }

  function traceView(d, r) {
    if (d.notFound) return notFound('Trace', r.traceId, 'is not in the hub: it has not arrived yet, or it left the ring buffer.');
    const spans = Array.isArray(d.body.spans) ? d.body.spans : [];
    let t0 = Infinity, t1 = -Infinity;
    for (const s of spans) { t0 = Math.min(t0, num(s.start)); t1 = Math.max(t1, num(s.end)); }
    const total = Math.max(t1 - t0, 0.001);
    const procs = new Map();
    for (const s of spans) if (s.process && !procs.has(s.process.id)) procs.set(s.process.id, s.process);
    for (const id of procs.keys()) color(id);
    const root = spans.find((s) => !s.parentSpanId) || spans[0] || {};
    const errors = spans.filter(isErr).length;
    const sel = spans.find((s) => s.spanId === r.spanId);
    const pct = (v) => (100 * v) / total;
    const rows = spans.map((s) => {
      const p = s.process || {}, hl = s.spanId === r.spanId, left = pct(num(s.start) - t0), width = pct(num(s.end) - num(s.start));
      const bar = sized('span', 'bar', 'left', left + '%');
      bar.style.width = width + '%';
      bar.style.background = color(p.id);
      const label = h('span', { class: 'blabel' }, fmtMs(s.durationMs));
      if (left + width <= 82) label.style.left = 'calc(' + (left + width) + '% + 6px)';
      else if (left >= 12) label.style.right = 'calc(' + (100 - left) + '% + 6px)';
      else { label.style.right = 'calc(' + (100 - left - width) + '% + 6px)'; label.classList.add('in'); }
      const name = h('span', { class: 'td name', title: s.name + ' · ' + p.service }, swatch(p.id), isErr(s) ? h('span', { class: 'ebang', title: 'error' }, '!') : null, h('span', { class: 'nm' }, s.name));
      name.style.paddingLeft = num(s.depth) * 16 + 'px';
      return h('a', { class: 'tr' + (hl ? ' sel' : '') + (isErr(s) ? ' err' : ''), href: traceHref(d.body.traceId || r.traceId, s.spanId), 'aria-current': hl ? 'true' : null,
        'data-testid': 'span-row', 'data-span-id': s.spanId, 'data-parent-span-id': s.parentSpanId || '', 'data-process-id': p.id, 'data-service': p.service, 'data-depth': num(s.depth), 'data-highlighted': String(hl) },
      name, h('span', { class: 'track' }, bar, label));
    });
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => sized('span', '', 'left', f * 100 + '%'));
    ticks.forEach((el, i) => el.append(fmtMs((total * i) / 4)));
    const wf = h('section', { class: 'card wf', 'data-testid': 'waterfall' },
      h('div', { class: 'legend' }, [...procs.values()].map((p) => h('span', { 'data-testid': 'legend-item', 'data-process-id': p.id }, swatch(p.id), p.service + ' ', h('span', { class: 'mono muted' }, short(p.id) + ' · pid ' + (p.pid === undefined || p.pid === null ? '?' : p.pid))))),
      h('div', { class: 'tr th' }, td('span'), h('span', { class: 'td axis' }, ticks)), rows);
    return [h('div', { class: 'head' }, back(), h('h1', null, root.name || 'trace'),
      h('span', { class: 'muted' }, fmtMs(total) + ' · ' + spans.length + ' spans · ' + procs.size + ' processes'), errors ? h('span', { class: 'bad' }, errors + ' failed') : null,
      h('span', { class: 'mono muted' }, d.body.traceId || r.traceId)),
      h('div', { class: 'trace' + (sel ? ' with-detail' : '') }, wf, sel ? spanDetail(sel, t0) : null)];
  }

  function spanDetail(s, t0) {
    const p = s.process || {};
    const code = s.status ? s.status.code : 0;
    const status = isErr(s) ? 'error' : code === 1 || /OK/.test(String(code)) ? 'ok' : 'unset';
    const kind = typeof s.kind === 'number' ? KINDS[s.kind] || String(s.kind) : String(s.kind || '').replace(/^SPAN_KIND_/, '').toLowerCase();
    const kv = (pairs) => h('dl', { class: 'kv' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
    const attrs = Object.entries(s.attributes || {}).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    let series = null;
    if (s.series) {
      const labels = Object.entries(s.series.labels || {}).map(([k, v]) => k + '="' + String(v).replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n') + '"');
      const side = s.series.side || (/^mcp_client/.test(s.series.metric || '') ? 'client' : 'server');
      series = [h('div', { class: 'sub' }, 'series'), h('div', { 'data-testid': 'span-series' }, h('a', { class: 'series', href: toolHref(s.series.process || p.id, s.series.tool, side) },
        h('code', null, (s.series.metric || '') + '{' + labels.join(',') + '}'), h('span', { class: 'go' }, 'open the tool ' + (s.series.tool || '') + ' →')))];
    }
    return h('section', { class: 'card detail', 'data-testid': 'span-detail', 'data-span-id': s.spanId }, h('h2', null, s.name),
      kv([['status', [h('span', { class: 'badge ' + status }, status), s.status && s.status.message ? ' ' + s.status.message : '']],
        ['kind', kind], ['service', [swatch(p.id), p.service]], ['instance', h('span', { class: 'mono' }, p.id)], ['pid', p.pid === null || p.pid === undefined ? '–' : p.pid],
        ['start', '+' + fmtMs(num(s.start) - t0)], ['duration', fmtMs(s.durationMs)], ['span', h('span', { class: 'mono' }, s.spanId)],
        ['parent', h('span', { class: 'mono' }, s.parentSpanId || '(root)')]]),
      series, h('div', { class: 'sub' }, 'attributes ', h('span', { class: 'count' }, attrs.length)),
      kv(attrs.map(([k, v]) => [h('span', { class: 'mono' }, k), h('span', { class: 'mono' }, typeof v === 'string' ? v : JSON.stringify(v))])));
  }

  function toolView(d, r) {
    if (d.notFound) return notFound('Tool', r.tool, 'has no ' + r.side + ' series in process ' + r.processId + '.');
    const t = d.body;
    const buckets = t.buckets || [];
    const max = Math.max(1, ...buckets.map((b) => num(b.count)));
    let lower = 0;
    const rows = buckets.map((b) => {
      const inf = typeof b.le !== 'number' || !isFinite(b.le);
      const label = inf ? '> ' + fmtLe(lower) : '≤ ' + fmtLe(b.le);
      if (!inf) lower = b.le;
      const e = b.exemplar;
      return h('div', { class: 'tr' + (num(b.count) ? '' : ' zero'), 'data-testid': 'bucket', 'data-le': inf ? 'Infinity' : String(b.le), 'data-count': String(num(b.count)) },
        td(label, 'n'), h('span', { class: 'td' }, sized('span', 'hbar', 'width', (100 * num(b.count)) / max + '%')), td(fmtInt(b.count), 'n'),
        td(e ? h('a', { class: 'ex', href: traceHref(e.traceId, e.spanId), 'data-testid': 'exemplar-link', 'data-trace-id': e.traceId, 'data-span-id': e.spanId, title: 'open the trace of this ' + fmtMs(e.durationMs) + ' call' },
          '→ ' + fmtMs(e.durationMs) + ' · trace ' + short(e.traceId)) : h('span', { class: 'muted' }, num(b.count) ? 'no exemplar' : '')));
    });
    const pid = idOf(t.process) || r.processId;
    const stat = (label, value, testid, cls) => h('div', { class: 'card stat' }, h('div', { class: 'v' + (cls ? ' ' + cls : ''), 'data-testid': testid }, value), h('div', { class: 'l' }, label));
    const known = st.procs.get(pid);
    const pidNum = t.process && typeof t.process === 'object' ? t.process.pid : t.pid !== undefined ? t.pid : known && known.pid;
    return [h('div', { 'data-testid': 'tool-detail', 'data-process-id': pid, 'data-tool': t.tool || r.tool, 'data-side': t.side || r.side },
      h('div', { class: 'head' }, back(), h('h1', null, t.tool || r.tool),
      h('span', { class: 'muted' }, (t.side || r.side) + ' · '), h('span', null, swatch(pid), t.service || (t.process && t.process.service) || (known && known.service) || ''),
      h('span', { class: 'mono muted', title: pid }, short(pid) + (pidNum === undefined || pidNum === null ? '' : ' · pid ' + pidNum))),
    h('div', { class: 'stats' },
      stat('calls', String(Math.round(num(t.calls))), 'tool-calls'), stat('calls/s (30 s)', fmtRate(t.callsPerSec)),
      stat('errors ' + (errTitle(t.errors) || 'none'), fmtPct(t.errorRatio), 'tool-error-ratio', num(t.errorRatio) > 0 ? 'bad' : ''),
      stat('p50', fmtMs(t.p50Ms)), stat('p95', fmtMs(t.p95Ms)), stat('active', fmtInt(t.active))),
    section('hist', 'Latency histogram', buckets.length + ' buckets · a bucket links to its latest call', table('hist', ['#latency', 'calls', '#count', 'exemplar'], rows, 'No calls recorded yet.')))];
  }

  window.addEventListener('hashchange', () => {
    const prev = st.hash;
    st.hash = location.hash;
    const r = parseRoute();
    if (r.view === 'overview') st.focusHref = prev.replace(/^(#\/trace\/[^/]+)\/.*$/, '$1');
    if (!st.data || st.data.api !== r.api) window.scrollTo(0, 0);
    st.routeFocus = true;
    render();
    void tick();
  });
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const tg = e.target;
    const typing = tg instanceof HTMLElement && (tg.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(tg.tagName));
    if (e.key === '/' && !typing) {
      e.preventDefault();
      filterEl.focus();
      filterEl.select();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && tg instanceof HTMLElement && tg.matches('a.tr')) {
      const rows = [...tg.parentElement.querySelectorAll(':scope > a.tr')];
      const next = rows[rows.indexOf(tg) + (e.key === 'ArrowDown' ? 1 : -1)];
      if (next) { e.preventDefault(); next.focus(); }
    } else if (e.key === 'Escape') {
      if (parseRoute().view !== 'overview') { e.preventDefault(); location.hash = '#/'; }
      else if (tg === filterEl) { filterEl.value = ''; filterEl.blur(); render(); }
    }
  });
  // The filter works on the overview's tools and traces: typing elsewhere goes there.
  filterEl.addEventListener('input', () => (parseRoute().view === 'overview' ? render() : (location.hash = '#/')));
  void tick();
})();
`;
