/* eslint-disable @next/next/no-img-element -- static figures written by training/evaluate.py */
export default function ModelFigures() {
  return (
    <section aria-labelledby="figures" className="space-y-4">
      <h2 id="figures" className="text-xl font-semibold">Pictures</h2>
      <div className="grid gap-6 md:grid-cols-2">
        <figure className="rounded-lg border border-slate-200 bg-white p-3">
          <img src="/model-card/roc.svg" alt="ROC curves of the slice classifier on held-out test patients" className="w-full" />
          <figcaption className="mt-2 text-xs text-slate-500">ROC of “slice shows tumour”, held-out test patients.</figcaption>
        </figure>
        <figure className="rounded-lg border border-slate-200 bg-white p-3">
          <div className="grid grid-cols-2 gap-2">
            {[1, 2, 3, 4].map((n) => (
              <img key={n} src={`/model-card/example-${n}.png`} alt={`Test patient example ${n}: prediction in red, expert outline in green`} className="w-full rounded" />
            ))}
          </div>
          <figcaption className="mt-2 text-xs text-slate-500">
            Four test patients, FLAIR alone, the slice with the most tumour: prediction filled red, expert outline green.
          </figcaption>
        </figure>
      </div>
    </section>
  );
}
