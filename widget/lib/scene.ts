/**
 * A figure as vector primitives (rect, line, text), and its SVG serialisation. Pure: the exporter
 * builds scenes from snapshots and also paints them on a canvas for PNG.
 */

export type Prim =
  | { t: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string; rx?: number }
  | {
      t: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: string;
      width: number;
      opacity?: number;
      /** dash and gap lengths (the alignment marks) */
      dash?: number[];
    }
  | {
      t: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      fill: string;
      anchor?: 'start' | 'middle' | 'end';
      /** degrees, about (x, y) */
      rotate?: number;
      bold?: boolean;
      mono?: boolean;
    };

export interface Scene {
  width: number;
  height: number;
  background: string;
  title: string;
  prims: Prim[];
}

export const SANS = 'system-ui, sans-serif';
export const MONO = 'ui-monospace, Menlo, Consolas, monospace';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
// Strip characters XML 1.0 cannot hold at all (token texts can contain control characters).
const notXml = (c: number) => (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffe || c === 0xffff;
const xmlSafe = (s: string) =>
  esc(Array.from(s, (ch) => (notXml(ch.charCodeAt(0)) ? '\ufffd' : ch)).join(''));
const n = (x: number) => String(Math.round(x * 100) / 100);

export function sceneToSvg(s: Scene): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(s.width)}" height="${n(s.height)}" viewBox="0 0 ${n(s.width)} ${n(s.height)}">`,
    `<title>${xmlSafe(s.title)}</title>`,
    `<rect x="0" y="0" width="${n(s.width)}" height="${n(s.height)}" fill="${s.background}"/>`,
  ];
  for (const p of s.prims) {
    if (p.t === 'rect') {
      out.push(
        `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${p.fill}"${p.stroke ? ` stroke="${p.stroke}"` : ''}${p.rx ? ` rx="${n(p.rx)}"` : ''}/>`,
      );
    } else if (p.t === 'line') {
      out.push(
        `<line x1="${n(p.x1)}" y1="${n(p.y1)}" x2="${n(p.x2)}" y2="${n(p.y2)}" stroke="${p.stroke}" stroke-width="${n(p.width)}"${p.opacity !== undefined && p.opacity < 1 ? ` stroke-opacity="${n(p.opacity)}"` : ''}${p.dash ? ` stroke-dasharray="${p.dash.join(' ')}"` : ''}/>`,
      );
    } else {
      const rot = p.rotate ? ` transform="rotate(${n(p.rotate)} ${n(p.x)} ${n(p.y)})"` : '';
      out.push(
        `<text x="${n(p.x)}" y="${n(p.y)}" font-size="${n(p.size)}" font-family="${p.mono ? MONO : SANS}" fill="${p.fill}"${p.anchor && p.anchor !== 'start' ? ` text-anchor="${p.anchor}"` : ''}${p.bold ? ' font-weight="600"' : ''}${rot} xml:space="preserve">${xmlSafe(p.text)}</text>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
