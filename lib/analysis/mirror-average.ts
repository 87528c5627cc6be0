import type { SlicePrediction, TumourModel } from '../model/tumour-model';

// A mirror cannot be seen in an axial slice (either hemisphere may be on either side), so a slice and its mirror image
// must get the same answer and mirrored drawings. The network alone does not: a mirrored tumour slice drew a mask 0.86
// IoU from the mirror of its own (test/orientation.test.ts). So the slice path reads every input as sent and mirrored and
// averages the two, the mirrored map turned back: the answer is the same for both by construction. Two runs, not one batch
// of twice the size: a doubled batch grew onnxruntime's arena, and the flood's peak RSS with it, from 533 to 598 MB.

/** Each `size`-square channel plane of `count` model inputs mirrored left to right. */
function mirrorPlanes(input: Float32Array, count: number, size: number): Float32Array {
  const mirrored = new Float32Array(input.length);
  for (let row = 0; row < count * 3 * size; row++) {
    const start = row * size;
    for (let x = 0; x < size; x++) mirrored[start + x] = input[start + size - 1 - x];
  }
  return mirrored;
}

/**
 * The model's predictions for `count` inputs, each the mean of the input as sent and mirrored. `mirrored`: the model input
 * of the mirrored picture, where it is not exactly the mirror of `input` (a picture resized into the square).
 */
export async function predictMirrorAveraged(model: TumourModel, input: Float32Array, count: number, mirrored?: Float32Array): Promise<SlicePrediction[]> {
  const size = model.inputSize;
  const asSentPredictions = await model.predict(input, count);
  const mirroredPredictions = await model.predict(mirrored ?? mirrorPlanes(input, count, size), count);
  return asSentPredictions.map((asSent, i) => {
    const mirrored = mirroredPredictions[i].maskProbability;
    const maskProbability = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) maskProbability[y * size + x] = (asSent.maskProbability[y * size + x] + mirrored[y * size + size - 1 - x]) / 2;
    }
    return { maskProbability, sliceProbability: (asSent.sliceProbability + mirroredPredictions[i].sliceProbability) / 2 };
  });
}
