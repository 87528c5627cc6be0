// What the model gets wrong, seen on the held-out test patients and the outside BRATS volumes (docs/models.md).
export default function KnownMisses() {
  return (
    <section aria-labelledby="misses" className="space-y-2" data-testid="known-misses">
      <h2 id="misses" className="text-xl font-semibold">What it is known to miss</h2>
      <ul className="max-w-3xl list-disc space-y-1 pl-5 text-sm text-slate-700">
        <li>Large tumours are drawn too small: the bright core is found, the paler edge of the oedema often is not.</li>
        <li>Small, faint tumours on a few slices, and the first and last slices of a tumour, are often missed entirely.</li>
        <li>
          The outside test is two BRATS volumes (high-grade tumours, another scanner), and they score well; that is too few
          to promise the same on other scanners. A dark resection cavity after surgery, which the previous model missed on an
          outside volume, is not in our data: training added synthetic cavities, but no real one has been checked.
        </li>
        <li>It was trained on axial FLAIR: T1, T1c, sagittal and coronal slices are answered with a warning and are less reliable.</li>
        <li>It is a research model on public data, not a medical device: never use it to decide anything about a patient.</li>
      </ul>
    </section>
  );
}
