/** The Node host: loads a model folder (in memory or on disk) into the core with onnxruntime-node. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  type LoadedModel,
  loadModel,
  type Precision,
  type ReadFile,
  readModelMeta,
} from '../shared/runtime/model.js';
import {
  createSessionFactory,
  LEAN_SESSION_OPTIONS,
  type OrtModule,
  type SessionFactory,
} from '../shared/runtime/session.js';

export const nodeOrt = ort as unknown as OrtModule;

/** Sessions with the options every host runs with, warnings silenced (tests, benches). */
export function nodeSessionFactory(): SessionFactory {
  return createSessionFactory(nodeOrt, { ...LEAN_SESSION_OPTIONS, logSeverityLevel: 3 });
}

export function memoryReader(files: Record<string, Uint8Array | string>): ReadFile {
  return async (path) => {
    const f = files[path];
    if (f === undefined) throw new Error(`no file ${path}`);
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
}

export function diskReader(dir: string): ReadFile {
  return async (path) => new Uint8Array(await readFile(join(dir, path)));
}

export async function loadLocal(
  id: string,
  read: ReadFile,
  precision: Precision = 'fp32',
): Promise<LoadedModel> {
  const meta = await readModelMeta(id, read);
  return loadModel(meta, read, createSessionFactory(nodeOrt), { precision });
}
