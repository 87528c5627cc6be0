import type { ModelManifest } from '@/lib/model/manifest';
import ScrollRegion from '@/app/ui/scroll-region';

type Figures = Record<string, number | undefined>;

const pct = (value: number | undefined) => (value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
const num = (value: number | undefined, digits = 3) => (value === undefined ? '—' : value.toFixed(digits));

// Every figure here is read from models/manifest.json, written by training/evaluate.py.
export default function ModelFacts({ manifest }: { manifest: ModelManifest }) {
  const metrics = manifest.metrics as {
    test?: { flair?: Figures; all?: Figures; patients?: number; slices?: number };
    brats2013?: Figures & { dice?: number[]; patients?: string[] };
  };
  const test = metrics.test;
  const rows: Array<[string, (f: Figures) => string]> = [
    ['ROC AUC (slice has tumour)', (f) => num(f.auc)],
    ['Sensitivity', (f) => pct(f.sensitivity)],
    ['Specificity', (f) => pct(f.specificity)],
    ['F1', (f) => num(f.f1)],
    ['Calibration error (ECE)', (f) => num(f.ece)],
    ['Dice per patient, mean', (f) => num(f.dice_mean)],
    ['Dice per patient, median', (f) => num(f.dice_median)],
    ['Worst patient with ≥ 1,000 tumour px', (f) => num(f.dice_worst_with_1000px)],
    ['Label and drawing disagree (slices)', (f) => (f.label_drawing_disagreements === undefined ? '—' : String(f.label_drawing_disagreements))],
  ];
  return (
    <section aria-labelledby="measured" className="space-y-3">
      <h2 id="measured" className="text-xl font-semibold">What it was trained and measured on</h2>
      <p className="max-w-3xl text-sm text-slate-700">
        Trained on {manifest.split.train.length} patients of the LGG FLAIR segmentation dataset (Buda et al. 2019, TCGA-LGG),
        calibrated on {manifest.split.val.length} others, and measured on {manifest.split.test.length} patients it never saw
        {test?.slices ? ` (${test.slices} slices)` : ''}. Data licence: non-commercial research use.
      </p>
      {test?.flair ? (
        <ScrollRegion label="Held-out results">
          <table className="min-w-[28rem] text-sm" data-testid="metrics">
            <thead>
              <tr className="text-left text-slate-500"><th className="py-1 pr-6 font-medium">Held-out patients</th><th className="pr-6 font-medium">FLAIR alone</th><th className="font-medium">FLAIR + T1 + T1c</th></tr>
            </thead>
            <tbody>
              {rows.map(([name, format]) => (
                <tr key={name} className="border-t border-slate-200"><td className="py-1 pr-6">{name}</td><td className="pr-6">{format(test.flair!)}</td><td>{test.all ? format(test.all) : '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : (
        <p className="text-sm text-amber-800">This model has not been measured yet: run training/evaluate.py.</p>
      )}
      {metrics.brats2013?.dice_mean !== undefined && (
        <p className="text-sm text-slate-700">
          Outside test on BRATS 2013 volumes it never saw (another scanner, high-grade tumours): whole-tumour Dice
          {' '}{num(metrics.brats2013.dice_mean)}{metrics.brats2013.dice ? ` (${metrics.brats2013.dice.map((d) => d.toFixed(3)).join(', ')})` : ''}
          {metrics.brats2013.volume_relative_error_mean !== undefined ? `, tumour volume off by ${pct(metrics.brats2013.volume_relative_error_mean)} on average` : ''}.
        </p>
      )}
    </section>
  );
}
