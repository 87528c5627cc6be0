import type { ModelManifest } from '@/lib/model/manifest';

export default function HowItWorks({ manifest }: { manifest: ModelManifest }) {
  const { normalisation } = manifest;
  const steps = [
    ['Upload', 'Your image travels to this server and stays in its memory only while it is analysed. It is never written to disk.'],
    ['Preprocess', `The image is turned upright (EXIF), converted to 8-bit, fitted into ${normalisation.resize.size}×${normalisation.resize.size} pixels without stretching, and each channel is scaled by the ${normalisation.percentile}th percentile of its brain pixels, exactly as in training.`],
    ['Model', `${manifest.model.name} v${manifest.model.version}: a small U-Net with two heads. One gives the probability that the slice shows tumour, the other a tumour probability for every pixel.`],
    ['Result', 'Tumor or No Tumor, the probability, and the predicted tumour drawn over your image, with its area.'],
  ];
  return (
    <section aria-labelledby="how" className="space-y-3">
      <h2 id="how" className="text-xl font-semibold">How it works</h2>
      <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {steps.map(([title, text], i) => (
          <li key={title} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-xs font-semibold text-teal-700">Step {i + 1}</p>
            <p className="font-medium">{title}</p>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
