/**
 * Entry of the widget bundle: defines <attn-heatmap> once, whichever of the ES module or the IIFE
 * build a page loads (loading both is harmless).
 */
import { AttnHeatmapElement } from './element.js';

export { AttnHeatmapElement };

if (!customElements.get('attn-heatmap')) customElements.define('attn-heatmap', AttnHeatmapElement);
