import type { ModelManifest, OrientationManifest } from '@/lib/model/manifest';

// Where the answer is hardest: small tumours, other scanners, turned pictures. Figures recorded by `npm run evaluate
// --record` (models/manifest.json) and `scripts/measure-orientation.ts --record` (models/orientation.json), docs/models.md.
interface Measured {
  app_flair?: { dice_by_tumour_px?: [number, number][]; dice_mean_smallest_5?: number };
  brats2013?: { patients?: string[]; dice?: number[]; volume_error_signed?: number[]; volume_bias?: number };
}
interface OrientationRow { orientation: string; set: string; refusedPercent: number; auc: number }
interface NotMriRow { orientation: string; refusedPercent: number; weakestCategory: { category: string; rate: number } }
interface OrientationMeasured { slices?: OrientationRow[]; notMri?: NotMriRow[] | null }

const percent = (share: number) => `${share > 0 ? '+' : ''}${(100 * share).toFixed(1)}%`;
const cell = 'border-b border-slate-100 px-2 py-1 lg:whitespace-nowrap';

export default function HardCases({ manifest, orientation }: { manifest: ModelManifest; orientation: OrientationManifest }) {
  const { app_flair: slices, brats2013: volumes } = manifest.metrics as Measured;
  const turns = (orientation.metrics as { measured?: OrientationMeasured }).measured;
  const bySize = slices?.dice_by_tumour_px ?? [];
  const rows = turns?.slices ?? [];
  const orientations = [...new Set(rows.map((r) => r.orientation))];
  const of = (name: string, set: string) => rows.find((r) => r.orientation === name && r.set === set);
  return (
    <section aria-labelledby="hard-cases" className="space-y-4" data-testid="hard-cases">
      <h2 id="hard-cases" className="text-xl font-semibold">Small tumours, other scanners, turned pictures</h2>
      <div className="grid gap-6 text-sm lg:grid-cols-[1fr_1.2fr_1.5fr]">
        {bySize.length > 0 && (
          <table className="h-fit" data-testid="dice-by-size">
            <caption className="mb-1 text-left font-medium">Dice against tumour size (test patients, FLAIR alone)</caption>
            <thead><tr><th scope="col" className={`${cell} text-left`}>Tumour pixels, all slices</th><th scope="col" className={`${cell} text-right`}>Dice</th></tr></thead>
            <tbody>
              {bySize.map(([px, dice]) => (
                <tr key={px}><td className={cell}>{px.toLocaleString('en')}</td><td className={`${cell} text-right`}>{dice.toFixed(2)}</td></tr>
              ))}
            </tbody>
            {slices?.dice_mean_smallest_5 !== undefined && (
              <tfoot><tr><th scope="row" className={`${cell} text-left font-normal`}>Mean of the 5 smallest</th><td className={`${cell} text-right`}>{slices.dice_mean_smallest_5.toFixed(2)}</td></tr></tfoot>
            )}
          </table>
        )}
        {volumes?.volume_error_signed && (
          <table className="h-fit" data-testid="volume-error">
            <caption className="mb-1 text-left font-medium">Tumour volume on outside BRATS volumes (another scanner, high-grade)</caption>
            <thead><tr><th scope="col" className={`${cell} text-left`}>Volume</th><th scope="col" className={`${cell} text-right`}>Dice</th><th scope="col" className={`${cell} text-right`}>Volume error</th></tr></thead>
            <tbody>
              {volumes.volume_error_signed.map((error, i) => (
                <tr key={i}><td className={cell}>{volumes.patients?.[i] ?? `volume ${i + 1}`}</td><td className={`${cell} text-right`}>{volumes.dice?.[i]?.toFixed(2)}</td><td className={`${cell} text-right`}>{percent(error)}</td></tr>
              ))}
            </tbody>
            {volumes.volume_bias !== undefined && (
              <tfoot><tr><th scope="row" colSpan={2} className={`${cell} text-left font-normal`}>Mean (below 0: too small)</th><td className={`${cell} text-right`}>{percent(volumes.volume_bias)}</td></tr></tfoot>
            )}
          </table>
        )}
        {orientations.length > 0 && (
          <table className="h-fit" data-testid="orientation-figures">
            <caption className="mb-1 text-left font-medium">Turned and mirrored slices: refused, slice AUC</caption>
            <thead><tr><th scope="col" className={`${cell} text-left`}>Orientation</th><th scope="col" className={`${cell} text-right`}>Test patients</th><th scope="col" className={`${cell} text-right`}>Outside volumes</th></tr></thead>
            <tbody>
              {orientations.map((name) => (
                <tr key={name}>
                  <td className={cell}>{name}</td>
                  {['lgg-test', 'outside'].map((set) => {
                    const row = of(name, set);
                    return <td key={set} className={`${cell} text-right`}>{row ? `${row.refusedPercent.toFixed(1)}%, ${row.auc.toFixed(3)}` : '–'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {turns?.notMri && (
        <p className="max-w-3xl text-sm text-slate-700" data-testid="not-mri-turns">
          Pictures that are not an MRI (the guard&apos;s measuring set), refused in each turn:{' '}
          {turns.notMri.map((r) => `${r.orientation} ${r.refusedPercent.toFixed(1)}% (weakest: ${r.weakestCategory.category}, ${(100 * r.weakestCategory.rate).toFixed(0)}%)`).join('; ')}.
        </p>
      )}
    </section>
  );
}
