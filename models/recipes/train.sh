#!/usr/bin/env bash
# Rebuilds the Brown-corpus models (recipe only; nothing at run or test time needs Python).
#   npm run models:train -- [brown-sentiment] [brown-gpt] [brown-seq2seq]
# Needs Debian's python3-torch, python3-onnx and libopenblas0-openmp (see shared ENVIRONMENT.md).
# DEVICE=cuda trains on a GPU (a PyTorch with CUDA as `PYTHON`); the default is the CPU, where the
# published step counts take hours on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
DEV=${DEVICE:-cpu}
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(brown-sentiment brown-gpt brown-seq2seq)
for m in "${models[@]}"; do
  case $m in
    brown-sentiment)
      npx tsx models/recipes/lexicon.ts
      nice -n 10 "$PY" models/recipes/sentiment.py --device "$DEV" --mlm-steps 3000 --mlm-batch 256 --ft-steps 3000 --ft-tokens 16384 ;;
    brown-gpt)
      nice -n 10 "$PY" models/recipes/gpt.py --device "$DEV" --steps 6000 --batch 96 ;;
    brown-seq2seq)
      # Time-based schedules (cosine over --seconds), three phases: sentences up to 64 tokens (the copy-
      # and-reorder skill appears within minutes on short inputs), everything (packed texts up to 512
      # tokens teach crossing sentence boundaries), then mostly packed texts with noisy decoder inputs
      # (greedy decoding of long texts recovers from its own mistakes). On 2 CPU cores at 2048
      # tokens/step: ~0.6 s/step. See the card for the run shipped.
      if [ "$DEV" = cpu ]; then tok=2048; else tok=8192; fi
      c=models/recipes/.cache
      nice -n 10 "$PY" models/recipes/seq2seq.py --device "$DEV" --train-only --tokens $tok --dropout 0 --lr 2e-3 \
        --max-src 64 --seconds "${SEQ2SEQ_SHORT_SECONDS:-600}" --ckpt $c/seq2seq-short.npz
      nice -n 10 "$PY" models/recipes/seq2seq.py --device "$DEV" --train-only --tokens $tok --dropout 0 --lr 1.5e-3 \
        --resume $c/seq2seq-short.npz --seconds "${SEQ2SEQ_SECONDS:-1500}" --ckpt $c/seq2seq-all.npz
      nice -n 10 "$PY" models/recipes/seq2seq.py --device "$DEV" --train-only --tokens $tok --dropout 0 --lr 1e-3 \
        --resume $c/seq2seq-all.npz --sentence-frac 0.3 --dec-noise 0.05 --seconds "${SEQ2SEQ_LONG_SECONDS:-3000}"
      nice -n 10 "$PY" models/recipes/seq2seq.py --export-only ;;
    *) echo "unknown model $m" >&2; exit 2 ;;
  esac
  case $m in   # see the cards
    brown-gpt) q=(--per-column --weight-only) ;;
    brown-seq2seq) q=(--per-column --weight-only --float /cross/) ;;
    *) q=() ;;
  esac
  npx tsx models/recipes/quantize.ts "models/$m" "${q[@]}"
  "$PY" models/recipes/card.py "$m"
  npx biome format --write "models/$m"   # the project lints JSON and Markdown too
done
