/** A model folder in memory: relative path (`config.json`, `onnx/model.onnx`, …) → contents. */
export interface ModelFiles {
  files: Record<string, Uint8Array | string>;
}

/** JSON as Hugging Face writes it: two-space indent and a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
