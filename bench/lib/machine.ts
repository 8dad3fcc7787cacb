/** One line naming the machine a benchmark ran on. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall through
  }
  return 'unknown CPU';
}

export function machineLine(extra: readonly string[] = []): string {
  return `Machine: ${[cpuModel(), `${availableParallelism()} cores`, `Node ${process.version}`, ...extra].join(', ')}`;
}
