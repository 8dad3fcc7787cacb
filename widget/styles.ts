/**
 * The element's styles, put in a <style> in its shadow root. Public knobs are --attn-heatmap-* custom
 * properties (they inherit through the shadow boundary, so a page may set them on any ancestor);
 * each is read once into a private --_* with the theme's default as fallback.
 */

const theme = (d: Record<string, string>) =>
  Object.entries(d)
    .map(([k, v]) => `--_${k}:var(--attn-heatmap-${k},${v});`)
    .join('');

const light = theme({
  bg: '#ffffff',
  fg: '#1b1f24',
  muted: '#5b6470',
  border: '#d0d7de',
  accent: '#0a66c2',
  'scale-low': '#f2f6fb',
  'scale-high': '#08306b',
  neg: '#2166ac',
  pos: '#b2182b',
});

const dark = theme({
  bg: '#15191e',
  fg: '#e6edf3',
  muted: '#9aa5b1',
  border: '#3a434d',
  accent: '#58a6ff',
  'scale-low': '#1c232b',
  'scale-high': '#ffc94a',
  neg: '#58a6ff',
  pos: '#ff7b72',
});

export const css = `
/* the trust panel (views/trust-panel.tsx), beside every saliency and attention view */
.trust{list-style:none;margin:.5rem 0 0;padding:0;max-width:60rem;font-size:.9em}
.trust li{margin:.15rem 0}
.trust .trust-method{color:var(--_muted);font-size:.9em}
.trust .warn{border-left:3px solid #d1242f;padding-left:.4rem}
.trust:focus-visible{outline:2px solid var(--_accent,currentColor);outline-offset:2px}

:host{${light}color-scheme:light;display:block;box-sizing:border-box;padding:.75rem;
  background:var(--_bg);color:var(--_fg);border:1px solid var(--_border);border-radius:.5rem;
  font:14px/1.4 var(--attn-heatmap-font,system-ui,sans-serif);--_mono:ui-monospace,Menlo,Consolas,monospace}
:host([hidden]){display:none}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){${dark}color-scheme:dark}}
:host([theme=dark]){${dark}color-scheme:dark}
*{box-sizing:inherit}
.msg{margin:0;color:var(--_muted)}
.error{color:var(--_fg);border-left:3px solid #d1242f;padding-left:.5rem}
.error code{font-size:.9em;color:var(--_muted)}
.notice{color:var(--_fg);border-left:3px solid var(--_border);padding-left:.5rem;margin-bottom:.5rem}
.model{margin:0 0 .5rem;color:var(--_muted);font-size:.9em}
.model-id{color:var(--_fg);font-weight:600}
.prediction{margin:0 0 .5rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.prediction .label,.pred-other{color:var(--_muted)}
.pred-value{font-weight:600}
.pred-p{font-variant-numeric:tabular-nums}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin-bottom:.5rem}
.field{display:flex;align-items:center;gap:.35rem}
select{font:inherit;color:var(--_fg);background:var(--_bg);border:1px solid var(--_border);border-radius:.25rem;padding:.1rem .25rem}
select:focus-visible{outline:2px solid var(--_accent);outline-offset:1px}
.readout{margin:0 0 .35rem;min-height:1.4em;font-variant-numeric:tabular-nums}
.readout .hint{color:var(--_muted)}
.tok{font-family:var(--_mono);background:color-mix(in oklab,var(--_fg) 8%,transparent);border-radius:.2rem;padding:0 .2rem;white-space:pre}
.scroll{overflow:auto;max-width:100%;max-height:var(--attn-heatmap-max-height,80vh)}
table{border-collapse:separate;border-spacing:1px}
th{font-weight:400;padding:0 .25rem;white-space:pre;background:var(--_bg);position:sticky;z-index:1;
  font-family:var(--_mono);font-size:.85em}
thead th{top:0;vertical-align:bottom;padding:.25rem 0}
th.row{left:0;text-align:right;max-width:12em;overflow:hidden;text-overflow:ellipsis}
th.corner{left:0;z-index:2;font-family:inherit;color:var(--_muted);font-size:.75em;text-align:right;padding-right:.25rem}
th.col span{display:inline-block;writing-mode:vertical-rl;transform:rotate(180deg);max-height:9em;overflow:hidden;text-overflow:ellipsis}
th.sp{color:var(--_muted);font-style:italic}
th.hl{color:var(--_accent);background:color-mix(in oklab,var(--_accent) 15%,var(--_bg))}
.cell{--_cs:calc(var(--attn-heatmap-cell-size,1.6rem)*var(--z,1));width:var(--_cs);min-width:var(--_cs);height:var(--_cs);padding:0;
  background:color-mix(in oklab,var(--_scale-high) var(--w),var(--_scale-low))}
.cell:hover{box-shadow:inset 0 0 0 1px var(--_fg)}
.cell:focus{outline:3px solid var(--_accent);outline-offset:0;box-shadow:inset 0 0 0 2px var(--_bg)}
.legend{display:flex;align-items:flex-start;gap:.5rem;margin-top:.5rem;font-size:.85em;color:var(--_muted)}
.legend-scale{width:12rem}
.legend-bar{height:.75rem;border-radius:.2rem;border:1px solid var(--_border);
  background:linear-gradient(in oklab to right,var(--_scale-low),var(--_scale-high))}
.legend-ticks{display:flex;justify-content:space-between;font-variant-numeric:tabular-nums}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
button{font:inherit;color:var(--_fg);background:var(--_bg);border:1px solid var(--_border);border-radius:.25rem;padding:.1rem .45rem;cursor:pointer}
button:focus-visible,canvas:focus-visible,.tk:focus-visible,.thumb:focus-visible{outline:2px solid var(--_accent);outline-offset:1px}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.35rem;margin:.35rem 0}
.bar .label{color:var(--_muted);font-size:.85em}
.note{color:var(--_muted);font-size:.85em;margin:.25rem 0}
.loading{display:flex;flex-wrap:wrap;align-items:center;gap:.35rem .75rem}
.loading .stage{flex-basis:100%}
.progress{width:16rem;max-width:100%;height:.6rem;border:1px solid var(--_border);border-radius:.3rem;overflow:hidden}
.progress-fill{height:100%;background:var(--_accent)}
.loading .bytes{margin:0;font-variant-numeric:tabular-nums}
`;
