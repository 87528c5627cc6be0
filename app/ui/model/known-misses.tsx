// What the model gets wrong, seen on the held-out test patients and the outside BRATS volumes (README, model card figures).
export default function KnownMisses() {
  return (
    <section aria-labelledby="misses" className="space-y-2" data-testid="known-misses">
      <h2 id="misses" className="text-xl font-semibold">What it is known to miss</h2>
      <ul className="max-w-3xl list-disc space-y-1 pl-5 text-sm text-slate-700">
        <li>Large tumours are drawn too small: the bright core is found, the paler edge of the oedema often is not.</li>
        <li>Small, faint tumours on a few slices, and the first and last slices of a tumour, are often missed entirely.</li>
        <li>High-grade tumours from other scanners (BRATS) are found, but with a lower Dice than the LGG patients it was trained on; a dark resection cavity after surgery is under-segmented.</li>
        <li>It was trained on axial FLAIR: T1, T1c, sagittal and coronal slices are answered with a warning and are less reliable.</li>
        <li>It is a research model on public data, not a medical device: never use it to decide anything about a patient.</li>
      </ul>
    </section>
  );
}
