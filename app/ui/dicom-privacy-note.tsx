/** What the server reads from a DICOM file, and what it never reads: said where a person uploads one. */
export default function DicomPrivacyNote() {
  return (
    <p className="mt-2 max-w-3xl text-xs text-slate-500" data-testid="dicom-privacy">
      From DICOM files the server reads only the image and its geometry: pixel data, size, pixel spacing, position,
      orientation, rescale slope and intercept, series number and modality. Patient name, ID and birth date, accession
      number, institution and physicians are never read, logged or sent back; a mask is named by its series number.
    </p>
  );
}
