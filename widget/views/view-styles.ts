/**
 * Styles of the lazily loaded views, shipped in their chunks (a <style> each view renders in the
 * shadow root) rather than in the base bundle's stylesheet. Theme variables come from styles.ts.
 */

export const canvasMatrixCss = `.stage{position:relative;line-height:0}
.stage canvas{display:block}
.stage .over{position:absolute;left:0;top:0;cursor:crosshair;touch-action:none}
.stage .over:focus{outline:none}
.stage .over:focus-visible{outline:2px solid var(--_accent)}
.stage .mini{position:absolute;border:1px solid var(--_border);box-shadow:0 1px 4px rgb(0 0 0/.3);cursor:move;touch-action:none}
.tools{gap:.75rem}
.tools .bar{margin:0}
.find{display:inline-flex;flex-wrap:wrap;align-items:center;gap:.35rem}
.find input,.tools select{font:inherit;font-size:.9em}
.legend-scale-name{display:block;font-size:.9em}`;

export const modelCss = `.model-grid{display:grid;gap:.4rem;align-items:center;justify-items:center;justify-content:start}
.model-grid .hd{font-size:.8em;color:var(--_muted)}
.thumb{padding:2px;line-height:0;border-radius:.25rem;width:100%;max-width:104px}
.thumb canvas{width:100%;aspect-ratio:1;image-rendering:pixelated;border:1px solid var(--_border)}
.thumb.on{border-color:var(--_accent);box-shadow:0 0 0 1px var(--_accent)}`;

export const columnsCss = `.cols{display:flex;align-items:flex-start;font-family:var(--_mono);font-size:.85em;line-height:18px;
  overflow-y:auto;max-height:var(--attn-heatmap-max-height,80vh)}
.cols .gap{flex:1 1 auto;min-width:160px}
.cols .gap canvas{position:sticky}
.lines-tools label{display:inline-flex;align-items:center;gap:.3rem}
.heads-legend label{cursor:pointer;margin-right:.4rem}
.cols ol{list-style:none;margin:0;padding:0;min-width:4em;max-width:14em}
.cols .l{text-align:right}
.tk{display:block;height:18px;padding:0 .3rem;white-space:pre;overflow:hidden;text-overflow:ellipsis;border-radius:.2rem;cursor:default}
.tk.sp{color:var(--_muted);font-style:italic}
.tk.on{background:color-mix(in oklab,var(--_accent) 20%,var(--_bg))}
.tk.al{box-shadow:inset 0 -2px 0 var(--_accent)}
.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;vertical-align:-.05em;margin-right:.2em}
.col-title{font-family:inherit;color:var(--_muted);font-size:.85em;height:18px}`;

export const saliencyCss = `.tk.sp{color:var(--_muted);font-style:italic}
.sal{font-family:var(--_mono);line-height:2;margin:.25rem 0;max-width:60rem}
.sal .tk{padding:.15rem .2rem;margin:0 .1rem;border-radius:.2rem;white-space:pre;
  background:color-mix(in oklab,var(--_c) var(--w),var(--_b))}
.sal .tk.ink-dark{color:#000}
.sal .tk.ink-light{color:#fff}
.sal .tk:hover,.sal .tk.on{box-shadow:inset 0 0 0 2px var(--_accent)}
.tk.sig::after{content:'◆';font-size:.6em;vertical-align:super;margin-left:.1em}
.legend-bar.div{background:linear-gradient(in oklab to right,var(--_neg),var(--_bg),var(--_pos))}`;
