/** What the core needs to know of a Hugging Face `config.json`, whatever the architecture calls it. */
import type { ModelFamily } from '../schema/document.js';

// biome-ignore lint/suspicious/noExplicitAny: config.json varies by architecture.
export type HfConfig = Record<string, any>;

export interface ModelShape {
  family: ModelFamily;
  layers: number;
  heads: number;
  encoderLayers?: number;
  encoderHeads?: number;
  hidden: number;
  maxPositions?: number;
  labels?: string[];
}

const first = (c: HfConfig, keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number') return c[k];
  return undefined;
};

export function modelShape(config: HfConfig): ModelShape {
  const archs: string[] = config.architectures ?? [];
  const family: ModelFamily = config.is_encoder_decoder
    ? 'encoder-decoder'
    : archs.some((a) => /CausalLM|LMHeadModel/.test(a)) ||
        ['gpt2', 'gpt_neo', 'gptj', 'llama'].includes(config.model_type)
      ? 'decoder'
      : 'encoder';
  const layers = first(
    config,
    family === 'encoder-decoder'
      ? ['decoder_layers', 'num_decoder_layers']
      : ['num_hidden_layers', 'n_layer', 'num_layers'],
  );
  const heads = first(
    config,
    family === 'encoder-decoder'
      ? ['decoder_attention_heads', 'num_heads', 'num_attention_heads']
      : ['num_attention_heads', 'n_head', 'num_heads'],
  );
  const hidden = first(config, ['hidden_size', 'n_embd', 'd_model']);
  if (!layers || !heads || !hidden)
    throw new Error('config.json lacks the number of layers, heads or the hidden size');
  const id2label = config.id2label as Record<string, string> | undefined;
  return {
    family,
    layers,
    heads,
    hidden,
    encoderLayers: family === 'encoder-decoder' ? first(config, ['encoder_layers', 'num_layers']) : undefined,
    encoderHeads:
      family === 'encoder-decoder' ? first(config, ['encoder_attention_heads', 'num_heads']) : undefined,
    maxPositions: first(config, ['max_position_embeddings', 'n_positions']),
    labels: id2label
      ? Object.keys(id2label)
          .sort((a, b) => +a - +b)
          .map((k) => id2label[k])
      : undefined,
  };
}
