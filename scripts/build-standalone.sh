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
# the codec worker, loaded by path at run time (lib/codecs/codec-thread.ts); the codecs it requires are traced (next.config.ts)
mkdir -p "$server/lib/codecs" && cp lib/codecs/codec-worker.cjs "$server/lib/codecs/"
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
# the codecs as the worker finds them: each module and its .wasm, resolved from the worker's own folder
(cd "$check/server/lib/codecs" && node -e "
  for (const codec of ['openjpeg', 'charls', 'libjpeg-turbo-8bit']) for (const part of ['decodewasmjs', 'decodewasm']) require.resolve('@cornerstonejs/codec-' + codec + '/' + part);
  require('jpeg-lossless-decoder-js');") || {
  echo "build:standalone: a DICOM codec does not load from $server alone (not traced: next.config.ts outputFileTracingIncludes)" >&2
  exit 1
}
echo "build:standalone: $(du -sh "$server" | cut -f1) in $server; run it with: cd $server && MALLOC_ARENA_MAX=2 PORT=3000 HOSTNAME=0.0.0.0 node server.js"
