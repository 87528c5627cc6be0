import type { Metadata } from 'next';
import { MAX_VOLUME_UPLOAD_BYTES } from '@/lib/limits';
import DicomPrivacyNote from '@/app/ui/dicom-privacy-note';
import VolumeUploadForm from '@/app/ui/volume/upload-form';
import ExampleList from '@/app/ui/examples/example-list';
import { answerExample } from '@/app/ui/examples/answer-example';
import { analyseVolumeAction } from '@/app/volume/actions';

export const metadata: Metadata = { title: 'Analyse a volume · Brain Tumor Detector' };
export const dynamic = 'force-dynamic';

export default async function VolumePage({ searchParams }: { searchParams: Promise<{ example?: string | string[] }> }) {
  const { example } = await searchParams;
  const initial = await answerExample('/volume', example, analyseVolumeAction);
  return (
    <div className="space-y-6">
      <div className="page-intro">
        <h1 className="text-2xl font-semibold">Analyse an MRI volume</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Upload a 3D FLAIR volume in NIfTI format (.nii or .nii.gz) or as a DICOM series (all its files, or one .zip), and a T1c
          volume on the same grid if you have one. The server cuts it into axial slices, finds the tumour on each, and measures
          it in millilitres, lesion by lesion, with the RANO bidimensional measure. Add an earlier scan of the same patient for
          the change since then. You can download the report as a PDF and the predicted mask as NIfTI. Nothing you upload is
          stored.
        </p>
        <DicomPrivacyNote />
      </div>
      <ExampleList page="/volume" />
      <VolumeUploadForm maxBytes={MAX_VOLUME_UPLOAD_BYTES} initial={initial} example={typeof example === 'string' && initial?.status === 'done' ? example : undefined} />
    </div>
  );
}
