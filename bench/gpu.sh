#!/usr/bin/env bash
# The engine benchmark with the CUDA execution provider, for a machine with an
# NVIDIA GPU (CUDA 12 + cuDNN 9). Writes the "bench-engine-cuda" table of the
# README. Needs the CUDA provider of onnxruntime-node, which its install
# script downloads only when asked:
#
#   ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci
#
# Run from the repository root: bash bench/gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvidia-smi >/dev/null; then
  echo "bench/gpu.sh: no nvidia-smi here; run it on a machine with an NVIDIA GPU" >&2
  exit 2
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

provider=$(find node_modules/onnxruntime-node/bin -name 'libonnxruntime_providers_cuda.so' 2>/dev/null | head -1)
if [ -z "$provider" ]; then
  echo "bench/gpu.sh: onnxruntime-node has no CUDA provider; install it with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci" >&2
  exit 2
fi
echo "CUDA provider: $provider"

[ -f dist/cli.js ] || npm run build
# The same benchmark as on CPU, on the GPU; the recall figures are the same model's and are not repeated.
node --expose-gc --import tsx bench/run.ts --engine --cuda --no-recall "$@"
