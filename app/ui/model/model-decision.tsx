import type { ModelManifest } from '@/lib/model/manifest';

// How one answer comes out of the network's two heads, read from the manifest (training/decision.py wrote it).
export default function ModelDecision({ manifest }: { manifest: ModelManifest }) {
  const { decision, thresholds } = manifest;
  const [wSlice, wArea, wPeak] = decision.weights ?? [];
  return (
    <section aria-labelledby="decision" className="space-y-2" data-testid="decision">
      <h2 id="decision" className="text-xl font-semibold">How a slice is decided</h2>
      <p className="max-w-3xl text-sm text-slate-700">
        The network has two heads: one gives each pixel a tumour probability, the other the slice as a whole. One decision
        is made from both, so that the label, the probability and the drawing never disagree:
      </p>
      <ul className="max-w-3xl list-disc space-y-1 pl-5 text-sm text-slate-700">
        {decision.weights ? (
          <li>
            The probability shown is a logistic combination of the slice head&apos;s logit (weight {wSlice.toFixed(2)}), the
            number of pixels the mask head puts at {thresholds.mask} or more (log, weight {wArea.toFixed(2)}) and the mask
            head&apos;s peak (logit, weight {wPeak.toFixed(2)}), fitted on the validation patients and computed inside the model.
          </li>
        ) : (
          <li>The probability shown is the slice head&apos;s, temperature-calibrated on the validation patients.</li>
        )}
        <li>The slice is called Tumor when that probability is {(thresholds.slice * 100).toFixed(1)}% or more (best F1 on the validation patients).</li>
        <li>
          A Tumor slice draws the pixels at {thresholds.mask} or more
          {decision.minComponentPx > 1 ? `, in connected parts of at least ${decision.minComponentPx} pixels` : ''} (the smallest part
          drawn is chosen on the validation patients); if none clears {thresholds.mask}, it draws the mask head&apos;s most
          confident region (pixels at half its peak or more). A No Tumor slice draws nothing.
        </li>
      </ul>
    </section>
  );
}
