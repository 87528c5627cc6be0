import type { Metadata } from 'next';
import { MAX_SLICE_UPLOAD_BYTES } from '@/lib/limits';
import DicomPrivacyNote from '@/app/ui/dicom-privacy-note';
import UploadForm from '@/app/ui/predict/upload-form';
import ExampleList from '@/app/ui/examples/example-list';
import { answerExample } from '@/app/ui/examples/answer-example';
import { analyseSliceAction } from '@/app/predict/actions';

export const metadata: Metadata = { title: 'Analyse a slice · Brain Tumor Detector' };
export const dynamic = 'force-dynamic';

export default async function PredictPage({ searchParams }: { searchParams: Promise<{ example?: string | string[] }> }) {
  const initial = await answerExample('/predict', (await searchParams).example, analyseSliceAction);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Analyse an MRI slice</h1>
        <p className="mt-1 text-sm text-slate-600">
          Upload one axial FLAIR slice. The server answers Tumor or No Tumor with its probability and draws the tumour it finds.
          Nothing you upload is stored.
        </p>
        <DicomPrivacyNote />
      </div>
      <ExampleList page="/predict" />
      <UploadForm maxBytes={MAX_SLICE_UPLOAD_BYTES} initial={initial} />
    </div>
  );
}
