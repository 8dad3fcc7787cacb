/**
 * Which runner URLs `run="browser"` may import. The runner is code that runs with the page's
 * authority, and `runner=` is an attribute: content that can set attributes on the element (a CMS
 * or Markdown allowing the tag, an HTML injection) must not be able to run code of its choice, e.g.
 * a `data:` module. So a runner loads only from the page's own origin or the origin the widget's
 * module came from, unless a page *script* opts another origin in with
 * `AttnHeatmapElement.allowRunnerOrigin(origin)`: an opt-in by attribute or <meta> could be written
 * by the same markup it is meant to guard against, a script call only by the page's author.
 */
import { WidgetError } from './errors.js';

const extra = new Set<string>();

/** Lets runners load from `origin` (e.g. `https://cdn.example`), an http(s) origin only. */
export function allowRunnerOrigin(origin: string): void {
  const u = new URL(origin);
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new TypeError(`allowRunnerOrigin: ${origin} is not an http(s) origin`);
  extra.add(u.origin);
}

/** The runner's absolute URL, or a WidgetError `runner_not_allowed` if its origin is not allowed. */
export function checkRunnerUrl(runner: string, widgetUrl: string): string {
  let u: URL | null = null;
  try {
    u = new URL(runner, document.baseURI);
  } catch {
    // not a URL: refused below
  }
  const allowed = [location.origin, new URL(widgetUrl).origin, ...extra];
  const web = u && (u.protocol === 'https:' || u.protocol === 'http:');
  if (u && web && allowed.includes(u.origin)) return u.href;
  const shown = runner.length > 80 ? `${runner.slice(0, 77)}…` : runner;
  throw new WidgetError(
    `The runner ${shown} is not allowed: a runner loads from this page's origin or the widget's (${allowed.join(', ')}); a page script may allow another origin with AttnHeatmapElement.allowRunnerOrigin().`,
    'runner_not_allowed',
  );
}
