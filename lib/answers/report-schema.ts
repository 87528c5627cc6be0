import { z } from 'zod';
import type { ChangeCategory } from '../report/follow-up';
import { count } from './schema-parts';

// The clinical report of a volume answer (lib/report/): lengths in mm, positions in RAS+ mm (x towards the patient's
// right, y to the front, z to the top) from the file's affine.

const triple = z.tuple([z.number(), z.number(), z.number()]);
const share = z.number().min(0).max(1);
const categories = ['progression', 'stable', 'partial response', 'complete response'] as const satisfies readonly ChangeCategory[];

export const reportAnswer = z.strictObject({
  tumourVolumeMl: z.number().min(0),
  headVolumeMl: z.number().min(0).describe('the head mask: everything brighter than the background, skull included where the scan has it'),
  tumourShareOfHead: share,
  lesions: z.array(z.strictObject({
    volumeMl: z.number().min(0),
    centroidMm: triple,
    extentMm: z.strictObject({ leftRight: z.number().min(0), anteriorPosterior: z.number().min(0), craniocaudal: z.number().min(0) }),
  })).describe('the 26-connected pieces of the mask of at least 0.1 mL, largest first'),
  multifocal: z.boolean().describe('two lesions at least 5 mm apart, surface to surface'),
  laterality: z.strictObject({ left: share, right: share, crossesMidline: z.boolean() }).nullable()
    .describe('shares of the tumour on the patient\'s left and right of the plane through the head\'s centroid, perpendicular to the left-right axis; null when the file gives no orientation'),
  lateralityNote: z.string().nullable().describe('why laterality is null'),
  bidimensional: z.array(z.strictObject({
    sliceIndex: count,
    longestMm: z.number().min(0),
    perpendicularMm: z.number().min(0),
    productMm2: z.number().min(0),
    measurable: z.boolean().describe('both diameters at least 10 mm'),
  })).describe('RANO: the two largest lesions, each on the axial slice where it has the most area'),
  sumOfProductsMm2: z.number().min(0).describe('over the measurable lesions'),
});

export const followUpAnswer = z.strictObject({
  baselineVolumeMl: z.number().min(0),
  changeMl: z.number(),
  changePercent: z.number().nullable().describe('null when the earlier scan has no tumour'),
  baselineSumOfProductsMm2: z.number().min(0),
  productChangePercent: z.number().nullable().describe('null when the earlier scan has no measurable lesion'),
  volumetricCategory: z.enum(categories),
  bidimensionalCategory: z.enum(categories),
}).describe('A change category by RANO 2.0 thresholds on the FLAIR tumour, not a response assessment: no confirmation scan, no nadir, no contrast-enhancing measure, and the scans are not registered to each other.');

export type ReportAnswer = z.infer<typeof reportAnswer>;
export type FollowUpAnswer = z.infer<typeof followUpAnswer>;
