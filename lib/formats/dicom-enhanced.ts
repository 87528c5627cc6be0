import type { DataSet } from 'dicom-parser';
import { UploadError } from '../errors';
import { numbers, text } from './dicom-elements';

// Enhanced MR Image Storage: one file holds a whole series as frames, each placed by functional groups, shared by every
// frame (SharedFunctionalGroupsSequence) or given per frame (PerFrameFunctionalGroupsSequence, which wins). Only the
// macros that place and scale a frame are read: Pixel Measures, Plane Orientation, Plane Position, Pixel Value
// Transformation, and the stack each frame belongs to. No other tag in them is decoded (the privacy rule of dicom-file.ts).

const tags = {
  shared: 'x52009229',
  perFrame: 'x52009230',
  dimensionOrganisations: 'x00209221',
  pixelMeasures: 'x00289110',
  pixelSpacing: 'x00280030',
  planePosition: 'x00209113',
  position: 'x00200032',
  planeOrientation: 'x00209116',
  orientation: 'x00200037',
  pixelValueTransformation: 'x00289145',
  intercept: 'x00281052',
  slope: 'x00281053',
  frameContent: 'x00209111',
  stackId: 'x00209056',
} as const;

export interface FrameGeometry {
  /** LPS mm; null when neither the frame nor the shared groups give it. */
  position: [number, number, number] | null;
  orientation: [number, number, number, number, number, number] | null;
  /** Between rows, between columns, mm. */
  pixelSpacingMm: [number, number] | null;
  slope: number;
  intercept: number;
}

/** A sequence's item data sets, each inside the file; null when the element is absent. */
function items(dataSet: DataSet, tag: string, size: number): DataSet[] | null {
  const element = dataSet.elements[tag];
  if (!element) return null;
  if (!element.items || element.dataOffset < 0 || element.dataOffset > size) throw new Error(`element ${tag} is not a sequence`);
  return element.items.map((item) => {
    if (!item.dataSet || item.dataOffset < 0 || item.dataOffset > size) throw new Error(`an item of ${tag} is unreadable`);
    return item.dataSet;
  });
}

/** The first item of one functional group macro: the frame's own, else the shared one. */
function macro(frame: DataSet | null, shared: DataSet | null, tag: string, size: number): DataSet | null {
  const own = frame ? items(frame, tag, size) : null;
  if (own && own.length > 0) return own[0];
  const common = shared ? items(shared, tag, size) : null;
  return common && common.length > 0 ? common[0] : null;
}

/** Every frame's geometry and rescale; several stacks or dimension organisations are refused with the count. */
export function readFunctionalGroups(dataSet: DataSet, size: number, frames: number, label: string): FrameGeometry[] {
  const organisations = items(dataSet, tags.dimensionOrganisations, size)?.length ?? 0;
  if (organisations > 1) {
    throw new UploadError(`${label} is an Enhanced MR file with ${organisations} dimension organisations: it holds more than one stack. Export the axial FLAIR series alone.`, 422);
  }
  const shared = items(dataSet, tags.shared, size)?.[0] ?? null;
  const perFrame = items(dataSet, tags.perFrame, size) ?? [];
  if (perFrame.length !== frames && !(perFrame.length === 0 && frames === 1)) {
    throw new UploadError(`${label} is an Enhanced MR file of ${frames} frames with functional groups for ${perFrame.length}: it is damaged or cut short.`, 422);
  }
  const stacks = new Set<string>();
  const geometry = Array.from({ length: frames }, (_, f) => {
    const frame = perFrame[f] ?? null;
    const stack = macro(frame, shared, tags.frameContent, size);
    const stackId = stack ? text(stack, tags.stackId, size, 16) : undefined;
    if (stackId !== undefined) stacks.add(stackId.trim());
    const measures = macro(frame, shared, tags.pixelMeasures, size);
    const position = macro(frame, shared, tags.planePosition, size);
    const orientation = macro(frame, shared, tags.planeOrientation, size);
    const transformation = macro(frame, shared, tags.pixelValueTransformation, size);
    const spacing = measures ? numbers(measures, tags.pixelSpacing, size, 2) : null;
    if (spacing && spacing.some((s) => !(s > 0 && s <= 100))) {
      throw new UploadError(`${label} gives an impossible pixel spacing (${spacing.join(' × ')} mm) for frame ${f + 1}.`, 422);
    }
    const slope = (transformation ? numbers(transformation, tags.slope, size, 1)?.[0] : undefined) ?? 1;
    const intercept = (transformation ? numbers(transformation, tags.intercept, size, 1)?.[0] : undefined) ?? 0;
    if (slope === 0) throw new UploadError(`${label} has a rescale slope of 0 for frame ${f + 1}, which would make every pixel the same value.`, 422);
    return {
      position: (position ? numbers(position, tags.position, size, 3) : null) as FrameGeometry['position'],
      orientation: (orientation ? numbers(orientation, tags.orientation, size, 6) : null) as FrameGeometry['orientation'],
      pixelSpacingMm: spacing ? [spacing[0], spacing[1]] as [number, number] : null,
      slope,
      intercept,
    };
  });
  if (stacks.size > 1) {
    throw new UploadError(`${label} is an Enhanced MR file that holds ${stacks.size} stacks (StackID): more than one series in one file. Export the axial FLAIR stack alone.`, 422);
  }
  return geometry;
}
