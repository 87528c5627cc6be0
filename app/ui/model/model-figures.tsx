import type { ModelManifest } from '@/lib/model/manifest';

interface WorstPatient {
  patient: string;
  dice: number;
  picture: string;
  tumourPx: number;
}

/* eslint-disable @next/next/no-img-element -- static figures written by training/evaluate.py */
export default function ModelFigures({ manifest }: { manifest: ModelManifest }) {
  const worst = ((manifest.metrics as { test?: { worstPatients?: WorstPatient[] } }).test?.worstPatients ?? []).slice(0, 4);
  return (
    <section aria-labelledby="figures" className="space-y-4">
      <h2 id="figures" className="text-xl font-semibold">Pictures</h2>
      <div className="grid gap-6 md:grid-cols-2">
        <figure className="rounded-lg border border-slate-200 bg-white p-3">
          <img src="/model-card/learning-curve.svg" alt="Learning curve: validation Dice per patient by epoch" className="w-full" data-testid="learning-curve" />
          <figcaption className="mt-2 text-xs text-slate-500">
            Validation patients, FLAIR alone, after each epoch of the run that made this model
            {manifest.model.epoch ? `; this model is epoch ${manifest.model.epoch}, the best of them on these patients` : ''}.
          </figcaption>
        </figure>
        <figure className="rounded-lg border border-slate-200 bg-white p-3">
          <img src="/model-card/dice-per-patient.svg" alt="Dice of each held-out test patient" className="w-full" data-testid="dice-distribution" />
          <figcaption className="mt-2 text-xs text-slate-500">One dot per held-out test patient (hover for the patient), FLAIR alone, slices stacked.</figcaption>
        </figure>
        <figure className="rounded-lg border border-slate-200 bg-white p-3">
          <img src="/model-card/roc.svg" alt="ROC curves of the slice decision on held-out test patients" className="w-full" />
          <figcaption className="mt-2 text-xs text-slate-500">ROC of the served slice probability, held-out test patients.</figcaption>
        </figure>
        <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid="worst-cases">
          <div className="grid grid-cols-2 gap-2">
            {worst.map((w) => (
              <div key={w.picture}>
                <img src={`/model-card/${w.picture}`} alt={`${w.patient}: prediction in red, expert outline in green`} className="w-full rounded" />
                <p className="mt-1 text-[11px] text-slate-500">{w.patient}: Dice {w.dice.toFixed(2)}</p>
              </div>
            ))}
          </div>
          <figcaption className="mt-2 text-xs text-slate-500">
            The four worst test patients with at least 1,000 tumour pixels, FLAIR alone, each at its slice with the most
            tumour: what the app draws filled red, the expert&apos;s outline green.
          </figcaption>
        </figure>
      </div>
    </section>
  );
}
