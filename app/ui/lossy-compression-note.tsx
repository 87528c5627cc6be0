/** Said beside a result whose DICOM files were lossy compressed: the model saw approximated pixels. */
export default function LossyCompressionNote() {
  return (
    <p role="note" data-testid="lossy-compression-note" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      These DICOM pixels went through lossy compression (the file says so: a lossy transfer syntax, or Lossy Image
      Compression &ldquo;01&rdquo;). They are an approximation of what the scanner measured, so the areas and volumes
      here are less exact. For measurement, export the series uncompressed or losslessly compressed.
    </p>
  );
}
