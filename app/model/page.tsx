import type { Metadata } from 'next';
import { readManifest, readOrientationManifest } from '@/lib/model/manifest';
import ModelFacts from '@/app/ui/home/model-facts';
import HardCases from '@/app/ui/model/hard-cases';
import KnownMisses from '@/app/ui/model/known-misses';
import ModelDecision from '@/app/ui/model/model-decision';
import ModelFigures from '@/app/ui/model/model-figures';

export const metadata: Metadata = { title: 'Model card · Brain Tumor Detector' };
export const dynamic = 'force-dynamic';

export default function ModelPage() {
  const manifest = readManifest();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Model card: {manifest.model.name} v{manifest.model.version}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          {manifest.model.architecture}. {(manifest.model.bytes / 1e6).toFixed(1)} MB, ONNX, fp32. Input: {manifest.input.channels.join(', ')} at
          {' '}{manifest.normalisation.resize.size}×{manifest.normalisation.resize.size}; FLAIR alone is served by copying FLAIR into the T1 and T1c channels,
          as the training data does for missing sequences. Decision threshold {(manifest.thresholds.slice * 100).toFixed(1)}%, chosen on validation patients.
        </p>
      </div>
      <ModelFacts manifest={manifest} />
      <ModelDecision manifest={manifest} />
      <ModelFigures manifest={manifest} />
      <HardCases manifest={manifest} orientation={readOrientationManifest()} />
      <KnownMisses />
    </div>
  );
}
