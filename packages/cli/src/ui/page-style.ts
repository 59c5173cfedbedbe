/* The live page's stylesheet (inlined by page.ts). Dense tables with aligned numbers, light and dark. */
export const PAGE_STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --panel: #fff; --fg: #1b1f24; --muted: #5d6875; --line: #e3e6ea; --hover: #eef3fa;
  --sel: #e3edfd; --accent: #1d5fd6; --ok: #18794e; --bad: #c42b2b; --bad-bg: #fdecec; --alarm: #c42b2b; --chip: #eef0f3;
  --grid: rgba(0, 0, 0, 0.07); --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1115; --panel: #161a20; --fg: #e4e8ee; --muted: #939eab; --line: #252b33; --hover: #1c232c;
    --sel: #1b2a40; --accent: #7aaeff; --ok: #4cc38a; --bad: #ff7b7b; --bad-bg: #3a1d1f; --alarm: #a51d1d; --chip: #232a33;
    --grid: rgba(255, 255, 255, 0.07);
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; }
body { margin: 0; min-width: 0; }
a { color: var(--accent); }
code, .mono { font-family: var(--mono); font-size: 12px; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
main:focus { outline: none; }
header.top {
  position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 12px;
  padding: 8px 20px; background: var(--panel); border-bottom: 1px solid var(--line);
}
.brand { font-weight: 700; font-size: 15px; color: var(--fg); text-decoration: none; letter-spacing: 0.2px; }
.brand span { color: var(--muted); font-weight: 400; }
.grow { flex: 1; }
#filter {
  width: 280px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg); font: inherit;
}
kbd {
  font-family: var(--mono); font-size: 11px; padding: 1px 5px; border: 1px solid var(--line);
  border-bottom-width: 2px; border-radius: 4px; color: var(--muted);
}
#status { min-width: 112px; text-align: center; font-size: 12px; padding: 2px 10px; border-radius: 10px; background: var(--chip); color: var(--muted); }
#status[data-state='live'] { color: var(--ok); }
#status[data-state='live']::before { content: '\25CF  '; }
#status[data-state='down'] { background: var(--alarm); color: #fff; font-weight: 600; }
main { padding: 14px 20px 8px; }
footer { padding: 4px 20px 16px; color: var(--muted); font-size: 12px; }
.muted { color: var(--muted); }
.ov { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px 16px; }
.ov > .full { grid-column: 1 / -1; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; min-width: 0; }
.card > h2, .card > .h2 {
  display: flex; align-items: baseline; gap: 8px; margin: 0; padding: 8px 12px 6px; font-size: 13px;
  font-weight: 600;
}
.count { color: var(--muted); font-weight: 400; font-size: 12px; }
.card.empty { padding: 4px 16px 12px; }
.card.empty h2 { padding-left: 0; font-size: 15px; }
.card.empty p { margin: 6px 0; }
.card.empty pre { margin: 4px 0 8px; padding: 8px 12px; border-radius: 6px; background: var(--chip); overflow-x: auto; }
.lost { margin: 0 0 12px; padding: 8px 12px; border-radius: 8px; background: var(--bad-bg); color: var(--bad); font-weight: 600; }
body.stale main > :not(.lost) { opacity: 0.55; }
.none { padding: 10px 12px; color: var(--muted); border-top: 1px solid var(--line); }
.tr {
  display: grid; align-items: center; column-gap: 12px; padding: 0 12px; min-height: 27px;
  border-top: 1px solid var(--line); color: inherit; text-decoration: none;
}
.th { min-height: 24px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.4px; color: var(--muted); }
a.tr:hover { background: var(--hover); }
a.tr:focus-visible { outline-offset: -2px; background: var(--hover); }
.td { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.strong { font-weight: 600; }
.bad { color: var(--bad); }
.sw { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 6px; vertical-align: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 11px; font-weight: 600; line-height: 17px; }
.badge.up, .badge.ok { color: var(--ok); background: color-mix(in srgb, var(--ok) 14%, transparent); }
.badge.down, .badge.error { color: var(--bad); background: var(--bad-bg); }
.badge.unset { color: var(--muted); background: var(--chip); }
.chip { display: inline-block; padding: 0 6px; margin-right: 4px; border-radius: 4px; background: var(--chip); font-size: 11px; }
.chip b { color: var(--bad); font-weight: 600; }
.t-proc .tr { grid-template-columns: 52px minmax(120px, 1.5fr) 80px 64px 72px minmax(110px, 1fr) 72px 84px; }
.t-tools .tr {
  grid-template-columns: minmax(140px, 1.2fr) minmax(150px, 1.7fr) 48px 64px 64px 56px minmax(110px, 1.3fr) 70px 70px 48px;
}
.t-traces .tr { grid-template-columns: 50px minmax(150px, 2fr) minmax(100px, 1fr) 40px 44px 140px 72px 72px; }
.t-sess .tr { grid-template-columns: minmax(120px, 1fr) 80px 64px 64px; }
.t-llm .tr { grid-template-columns: minmax(90px, 1fr) 76px minmax(100px, 1.3fr) 48px 72px 72px 64px; }
.dur { display: flex; align-items: center; justify-content: flex-end; gap: 8px; }
.dbar { flex: 1; height: 6px; border-radius: 3px; background: var(--grid); position: relative; overflow: hidden; }
.dbar i { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent); opacity: 0.7; }
.err .dbar i { background: var(--bad); }
.dur span { min-width: 58px; }
.head { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; margin: 2px 0 10px; }
.head h1 { margin: 0; font-size: 17px; font-weight: 600; overflow-wrap: anywhere; }
.back { text-decoration: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 8px 12px; font-size: 12px; }
.trace { display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; align-items: start; }
.trace.with-detail { grid-template-columns: minmax(0, 1fr) 380px; }
.wf .tr { grid-template-columns: minmax(180px, 30%) minmax(0, 1fr); min-height: 25px; }
.wf .name { display: flex; align-items: center; gap: 6px; }
.wf .name .nm { overflow: hidden; text-overflow: ellipsis; }
.wf a.tr.sel { background: var(--sel); box-shadow: inset 3px 0 0 var(--accent); }
.track { position: relative; height: 25px; background: linear-gradient(to right, var(--grid) 1px, transparent 1px) 0 0 / 25% 100%; }
.bar { position: absolute; top: 7px; height: 11px; min-width: 2px; border-radius: 2px; }
.err .bar { outline: 2px solid var(--bad); outline-offset: 1px; }
.blabel { position: absolute; top: 4px; font-size: 11px; color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.axis { position: relative; height: 24px; }
.axis span { position: absolute; top: 5px; transform: translateX(-50%); text-transform: none; letter-spacing: 0; }
.axis span:first-child { transform: none; }
.axis span:last-child { transform: translateX(-100%); }
.blabel.in { color: #fff; text-shadow: 0 0 2px rgba(0, 0, 0, 0.6); }
.ebang { color: var(--bad); font-weight: 700; }
.detail { position: sticky; top: 56px; max-height: calc(100vh - 70px); overflow: auto; }
.detail h2 { overflow-wrap: anywhere; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 12px; margin: 0; padding: 4px 12px 10px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.series { display: block; margin: 0 12px 10px; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; }
.series code { display: block; color: var(--fg); overflow-wrap: anywhere; }
.series .go { font-size: 12px; }
.sub { color: var(--muted); font-size: 12px; padding: 6px 12px 2px; border-top: 1px solid var(--line); text-transform: uppercase; letter-spacing: 0.4px; }
.stats { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 10px; margin-bottom: 14px; }
.stat { padding: 8px 12px; }
.stat .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .l { color: var(--muted); font-size: 12px; }
.t-hist .tr { grid-template-columns: 90px minmax(0, 1fr) 64px minmax(150px, 220px); }
.t-hist .zero { color: var(--muted); }
.hbar { display: block; height: 14px; border-radius: 2px; background: var(--accent); opacity: 0.75; min-width: 1px; }
.zero .hbar { opacity: 0; }
a.ex { font-family: var(--mono); font-size: 12px; text-decoration: none; }
a.ex:hover { text-decoration: underline; }
@media (max-width: 1100px) {
  .ov { grid-template-columns: minmax(0, 1fr); }
  .trace.with-detail { grid-template-columns: minmax(0, 1fr); }
  .stats { grid-template-columns: repeat(3, minmax(0, 1fr)); }
}
`;
