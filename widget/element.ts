/**
 * <attn-heatmap>: a custom element that renders the Preact app into its shadow root.
 * Attributes are the single source of truth for state: the app asks the element to set
 * `view` / `group` / `layer` / `head` / `method`, and every attribute change re-renders (batched per
 * microtask), so a page can link to or restore a view by its attributes alone.
 */
import { h, render } from 'preact';
import { App, type StateName } from './app.js';
import { allowRunnerOrigin } from './lib/runner-origin.js';
import { adoptCss } from './lib/sheets.js';
import type { ExportFormat, SnapshotSlot } from './lib/snapshot.js';
import type { HeadChoice } from './lib/types.js';
import { pickSource } from './sources.js';
import { css } from './styles.js';

const OBSERVED = [
  'src',
  'explain',
  'run',
  'model-url',
  'backend',
  'runner',
  'model',
  'text',
  'target-text',
  'analyses',
  'metrics',
  'layers',
  'task',
  'data',
  'view',
  'group',
  'layer',
  'head',
  'method',
  'scale-max',
  'theme',
];

let objectIds = 0;

export class AttnHeatmapElement extends HTMLElement {
  static observedAttributes = OBSERVED;

  /** Lets `runner=` load from another origin than the page's or the widget's (a page script's opt-in). */
  static allowRunnerOrigin(origin: string): void {
    allowRunnerOrigin(origin);
  }

  #mount: HTMLElement;
  #queued = false;
  #object?: { doc: unknown; id: number };
  /** inline JSON child text; undefined until the page has parsed the element's children */
  #inline: string | null | undefined;
  #observer?: MutationObserver;
  /** the shown view's snapshot, for exportImage() and the export buttons */
  #snap: SnapshotSlot = { current: null };

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    // A constructable sheet, shared by every instance: no <style> for a strict CSP to block.
    adoptCss(root, css);
    // Preact renders into its own node, the shadow root's only child.
    this.#mount = document.createElement('div');
    root.append(this.#mount);
  }

  connectedCallback(): void {
    // A property set before this element was upgraded sits on the instance and hides our accessor:
    // take it over (the usual custom-element "lazy property" dance).
    const self = this as unknown as Record<string, unknown>;
    for (const p of ['explanation', 'layer', 'head', 'view']) {
      if (Object.hasOwn(this, p)) {
        const v = self[p];
        delete self[p];
        self[p] = v;
      }
    }
    this.#observer ??= new MutationObserver(() => this.#readInline());
    this.#observer.observe(this, { childList: true, subtree: true, characterData: true });
    // While the parser is still inside us, an inline JSON child may be half there: wait for it.
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => this.#readInline(), { once: true });
    } else {
      this.#readInline();
    }
    this.#schedule();
  }

  disconnectedCallback(): void {
    this.#observer?.disconnect();
  }

  attributeChangedCallback(): void {
    this.#schedule();
  }

  /** A document object to show directly (takes precedence over every attribute source). */
  get explanation(): unknown {
    return this.#object?.doc;
  }

  set explanation(doc: unknown) {
    this.#object = doc == null ? undefined : { doc, id: ++objectIds };
    this.#schedule();
  }

  get layer(): number | null {
    const v = this.getAttribute('layer');
    return v === null || v === '' ? null : Number(v);
  }

  set layer(v: number | null) {
    if (v === null) this.removeAttribute('layer');
    else this.setAttribute('layer', String(v));
  }

  get head(): HeadChoice {
    const v = this.getAttribute('head');
    if (v === null || v === '') return 'mean';
    return v === 'mean' || v === 'max' || v === 'all' ? v : Number(v);
  }

  set head(v: HeadChoice) {
    this.setAttribute('head', String(v));
  }

  /** The view shown: matrix, model, lines, alignment, saliency or probe. */
  get view(): string | null {
    return this.getAttribute('view');
  }

  set view(v: string | null) {
    if (v === null) this.removeAttribute('view');
    else this.setAttribute('view', v);
  }

  /**
   * The current view as an image: an SVG of vector elements or a PNG. The exporter is a separate
   * chunk of the ES build, fetched on the first call.
   */
  async exportImage(format: ExportFormat = 'png'): Promise<Blob> {
    const snap = this.#snap.current?.();
    if (!snap) throw new Error('Nothing to export yet.');
    const { exportSnapshot } = await import('./lib/export.js');
    return exportSnapshot(snap, format, this.#mount);
  }

  #readInline(): void {
    if (document.readyState === 'loading') return;
    const script = this.querySelector<HTMLScriptElement>(':scope > script[type="application/json"]');
    const text = script ? script.textContent : null;
    if (text !== this.#inline) {
      this.#inline = text;
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#render();
    });
  }

  #render(): void {
    const a = (n: string) => this.getAttribute(n);
    const max = Number(a('scale-max'));
    render(
      h(App, {
        source: pickSource({
          object: this.#object,
          data: a('data'),
          src: a('src'),
          model: a('model'),
          text: a('text'),
          targetText: a('target-text'),
          analyses: a('analyses'),
          metrics: a('metrics'),
          layers: a('layers'),
          task: a('task'),
          explain: a('explain'),
          method: a('method'),
          run: a('run'),
          modelUrl: a('model-url'),
          backend: a('backend'),
          runner: a('runner'),
          inline: this.#inline,
        }),
        request: {
          view: a('view'),
          group: a('group'),
          layer: a('layer'),
          head: a('head'),
          method: a('method'),
        },
        fixedMax: max > 0 ? max : undefined,
        themeKey: a('theme') ?? '',
        snap: this.#snap,
        exportImage: (f: ExportFormat) => this.exportImage(f),
        onState: (name: StateName, value: string) => {
          if (a(name) !== value) this.setAttribute(name, value);
        },
        onEvent: (type, detail) =>
          this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true })),
      }),
      this.#mount,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'attn-heatmap': AttnHeatmapElement;
  }
}
