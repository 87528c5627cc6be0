import type { NextConfig } from 'next';
import { otherSecurityHeaders, staticPolicy } from './lib/http/security-headers';
import { MAX_VOLUME_UPLOAD_BYTES, MULTIPART_OVERHEAD_BYTES } from './lib/limits';

process.env.NEXT_TELEMETRY_DISABLED ??= '1';
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const noStore = [{ key: 'Cache-Control', value: 'no-store' }];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // native addons are loaded by Node at run time, not bundled
  serverExternalPackages: [
    'onnxruntime-node', 'sharp', 'formidable', 'pdfkit',
    // the DICOM codecs run in the codec worker, which requires them by name at run time; bundled, their .wasm would be taken apart
    '@cornerstonejs/codec-openjpeg', '@cornerstonejs/codec-charls', '@cornerstonejs/codec-libjpeg-turbo-8bit', 'jpeg-lossless-decoder-js',
  ],
  // STANDALONE=1 builds a self-contained server (.next/standalone) for a Node host or the Dockerfile
  output: process.env.STANDALONE === '1' ? 'standalone' : undefined,
  // the tracer finds onnxruntime's binding but not the library it links (RUNPATH $ORIGIN), nor the models, the inference worker and the PDF's fonts read at run time,
  // nor the codec worker and the codecs it requires by path (lib/codecs/codec-worker.cjs)
  outputFileTracingIncludes: {
    '**': [
      `./node_modules/onnxruntime-node/bin/napi-v*/${process.platform}/${process.arch}/*`, './models/*', './lib/model/inference-worker.cjs', './lib/answers/fonts/*',
      './lib/codecs/codec-worker.cjs', './node_modules/@cornerstonejs/codec-*/package.json', './node_modules/@cornerstonejs/codec-*/dist/*wasm_decode.*',
      './node_modules/jpeg-lossless-decoder-js/package.json', './node_modules/jpeg-lossless-decoder-js/release/cjs/*',
    ],
  },
  experimental: {
    serverActions: {
      // The largest form body (a volume). proxy.ts refuses a larger or unmeasured body, per form, before Next reads it.
      bodySizeLimit: MAX_VOLUME_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES,
    },
    // the proxy runs only for bodiless requests and for bodies it refuses; it never needs to read one
    proxyClientMaxBodySize: 64 * 1024,
  },
  async headers() {
    return [
      { source: '/:path*', headers: otherSecurityHeaders },
      // GET pages get a policy with a nonce from proxy.ts; API answers and answers to form POSTs get this one
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: staticPolicy }, ...noStore] },
      { source: '/((?!api/).*)', has: [{ type: 'header', key: 'content-type' }], headers: [{ key: 'Content-Security-Policy', value: staticPolicy }] },
      { source: '/predict', headers: noStore },
      { source: '/volume', headers: noStore },
    ];
  },
};

export default nextConfig;
