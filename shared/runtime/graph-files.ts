/** The graph files of a model folder, by family and precision (the Hugging Face / Optimum layout). */
import type { ModelFamily } from '../schema/document.js';

export function graphFiles(family: ModelFamily, precision: 'fp32' | 'int8'): string[] {
  const q = precision === 'int8' ? '_quantized' : '';
  return family === 'encoder-decoder'
    ? [`onnx/encoder_model${q}.onnx`, `onnx/decoder_model${q}.onnx`]
    : [`onnx/model${q}.onnx`];
}
