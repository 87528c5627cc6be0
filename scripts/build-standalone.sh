#!/usr/bin/env bash
# npm run build:standalone: a self-contained server in .next/standalone, run with `node server.js` from any folder
# (a Node host, or the Dockerfile's last stage). https://nextjs.org/docs/app/api-reference/config/next-config-js/output
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 ORT_DISABLE_TELEMETRY=1

STANDALONE=1 node node_modules/next/dist/bin/next build

server=.next/standalone
# server.js serves these only if they sit beside it; Next leaves them out for a CDN we do not have
rm -rf "$server/.next/static" "$server/public" "$server/models"
cp -R .next/static "$server/.next/static"
cp -R public "$server/public"
# the whole models folder, not what the tracer happened to find (lib/model/manifest.ts reads <cwd>/models)
cp -R models "$server/models"
# the inference worker, loaded by path at run time (lib/model/inference-thread.ts)
mkdir -p "$server/lib/model" && cp lib/model/inference-worker.cjs "$server/lib/model/"
# the PDF report's fonts, read by path at run time (lib/answers/volume-pdf.ts)
mkdir -p "$server/lib/answers" && cp -R lib/answers/fonts "$server/lib/answers/"

# The native addons must load from the folder alone (onnxruntime's binding links libonnxruntime.so beside it, sharp its
# libvips): tried in a copy outside the repository, where no other node_modules can stand in for a missing file.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
cp -R "$server" "$check/server"
(cd "$check/server" && node -e "require('onnxruntime-node'); require('sharp')") || {
  echo "build:standalone: onnxruntime-node or sharp does not load from $server alone (a native library was not traced)" >&2
  exit 1
}
echo "build:standalone: $(du -sh "$server" | cut -f1) in $server; run it with: cd $server && MALLOC_ARENA_MAX=2 PORT=3000 HOSTNAME=0.0.0.0 node server.js"
