// A second scan against an earlier one, in the change categories of RANO 2.0 (Wen et al., J Clin Oncol 2023) applied
// to the FLAIR tumour: by volume, +40% progression, -65% partial response, under 0.1 mL complete response; by the sum
// of bidimensional products, +25% and -50%. A change category, not a response assessment: no confirmation scan, no
// nadir, no contrast-enhancing measure, and the two scans are not registered to each other.

export type ChangeCategory = 'progression' | 'stable' | 'partial response' | 'complete response';

export interface FollowUp {
  baselineVolumeMl: number;
  changeMl: number;
  /** null when the baseline has no tumour (under 0.1 mL) to divide by. */
  changePercent: number | null;
  baselineSumOfProductsMm2: number;
  /** null when the baseline has no measurable lesion. */
  productChangePercent: number | null;
  volumetricCategory: ChangeCategory;
  bidimensionalCategory: ChangeCategory;
}

const NO_TUMOUR_ML = 0.1;

/** `nothingLeft`: no tumour now (under 0.1 mL), whatever the measure; a baseline of 0 has nothing to compare with. */
function category(before: number, now: number, progression: number, response: number, nothingLeft: boolean): ChangeCategory {
  if (nothingLeft) return 'complete response';
  if (before <= 0) return now > 0 ? 'progression' : 'stable'; // a tumour (or a measurable lesion) where there was none is new
  const change = (now - before) / before;
  if (change >= progression) return 'progression';
  if (change <= response) return 'partial response';
  return 'stable';
}

const percent = (before: number, now: number) => (before > 0 ? ((now - before) / before) * 100 : null);

export function compareScans(
  baseline: { tumourVolumeMl: number; sumOfProductsMm2: number },
  current: { tumourVolumeMl: number; sumOfProductsMm2: number },
): FollowUp {
  const noneBefore = baseline.tumourVolumeMl < NO_TUMOUR_ML, noneNow = current.tumourVolumeMl < NO_TUMOUR_ML;
  const volumetricCategory = noneBefore ? (noneNow ? 'stable' : 'progression') : category(baseline.tumourVolumeMl, current.tumourVolumeMl, 0.4, -0.65, noneNow);
  return {
    baselineVolumeMl: baseline.tumourVolumeMl,
    changeMl: current.tumourVolumeMl - baseline.tumourVolumeMl,
    changePercent: noneBefore ? null : percent(baseline.tumourVolumeMl, current.tumourVolumeMl),
    baselineSumOfProductsMm2: baseline.sumOfProductsMm2,
    productChangePercent: percent(baseline.sumOfProductsMm2, current.sumOfProductsMm2),
    volumetricCategory,
    bidimensionalCategory: noneBefore && noneNow ? 'stable' : category(baseline.sumOfProductsMm2, current.sumOfProductsMm2, 0.25, -0.5, noneNow && !noneBefore),
  };
}
