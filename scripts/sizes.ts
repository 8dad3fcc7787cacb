/**
 * Writes `sizes.json` into a served folder: each file's size in bytes by its relative path. The
 * in-browser runner reads it to show download progress as a share of the whole, since the served
 * responses are compressed on the way out (wrangler dev, Cloudflare's edge) and carry no Content-Length.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SIZES_FILE = 'sizes.json';

export function writeSizes(dir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name !== SIZES_FILE) sizes[relative(dir, p).split('\\').join('/')] = st.size;
    }
  };
  walk(dir);
  writeFileSync(join(dir, SIZES_FILE), `${JSON.stringify(sizes)}\n`);
  return sizes;
}
