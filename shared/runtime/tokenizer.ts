/**
 * Tokenisation with the tokenizer engine of @huggingface/transformers (published on its own as
 * @huggingface/tokenizers, so the worker and the widget do not bundle all of transformers.js), plus
 * the character offsets that engine does not report.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { Token } from '../schema/document.js';
import { alignedSpans, byteLevelSpans } from './offsets.js';

export interface Encoded {
  ids: number[];
  tokens: Token[];
}

// biome-ignore lint/suspicious/noExplicitAny: tokenizer.json is a loosely typed JSON document.
type Json = any;

export class TextTokenizer {
  readonly #tok: Tokenizer;
  readonly #special: Set<number>;
  readonly #byteLevel: boolean;
  readonly #prefixSpace: boolean;
  readonly #unkId: number | undefined;
  readonly #continuing: string;
  readonly padId: number;

  constructor(tokenizerJson: Json, tokenizerConfig: Json) {
    this.#tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.#special = new Set(
      [...this.#tok.get_added_tokens_decoder().values()].filter((t) => t.special).map((t) => t.id),
    );
    const pre = tokenizerJson.pre_tokenizer;
    const preList: Json[] = pre?.type === 'Sequence' ? pre.pretokenizers : pre ? [pre] : [];
    const byteLevel = preList.find((p) => p.type === 'ByteLevel');
    this.#byteLevel = !!byteLevel || tokenizerJson.decoder?.type === 'ByteLevel';
    this.#prefixSpace = !!byteLevel?.add_prefix_space;
    const model = tokenizerJson.model ?? {};
    this.#unkId = model.unk_token != null ? this.#tok.token_to_id(model.unk_token) : undefined;
    this.#continuing = model.continuing_subword_prefix ?? '##';
    const padToken = tokenizerConfig?.pad_token?.content ?? tokenizerConfig?.pad_token;
    this.padId = (typeof padToken === 'string' ? this.#tok.token_to_id(padToken) : undefined) ?? 0;
  }

  idOf(token: string): number | undefined {
    return this.#tok.token_to_id(token);
  }

  decode(ids: number[]): string {
    return this.#tok.decode(ids, { skip_special_tokens: true });
  }

  /** Encodes text with the model's special tokens (`addSpecial`) and character offsets. */
  encode(text: string, addSpecial = true): Encoded {
    return this.describe(text, this.#tok.encode(text, { add_special_tokens: addSpecial }).ids);
  }

  /** Tokens with offsets for ids that spell `text` (ids from `encode`, or generated ids and their decoding). */
  describe(text: string, ids: number[]): Encoded {
    const tokens = ids.map((id) => this.#tok.id_to_token(id) ?? '');
    const special = ids.map((id) => this.#special.has(id));
    const spans = this.#byteLevel
      ? byteLevelSpans(
          text,
          tokens.map((t, i) => (special[i] ? null : t)),
          this.#prefixSpace,
        )
      : alignedSpans(
          text,
          tokens.map((t, i) => (special[i] ? null : ids[i] === this.#unkId ? '' : this.#surface(t))),
        );
    return {
      ids,
      tokens: tokens.map((t, i) => ({
        text: t,
        start: spans[i].start,
        end: spans[i].end,
        special: special[i],
        id: ids[i],
      })),
    };
  }

  /** The text a WordPiece / SentencePiece piece stands for. */
  #surface(token: string): string {
    if (token.startsWith(this.#continuing)) return token.slice(this.#continuing.length);
    return token.replace(/\u2581/g, ' ').trim() || token;
  }
}
