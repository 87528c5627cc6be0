import Link from 'next/link';
import { readManifest } from '@/lib/model/manifest';
import ModelFacts from '@/app/ui/home/model-facts';
import HowItWorks from '@/app/ui/home/how-it-works';
import ExampleList from '@/app/ui/examples/example-list';

export const dynamic = 'force-dynamic';

export default function HomePage() {
  const manifest = readManifest();
  return (
    <div className="space-y-10">
      <section className="space-y-4">
        <h1 className="text-3xl font-semibold tracking-tight sm:text-4xl">Find a brain tumour on an MRI slice</h1>
        <p className="max-w-2xl text-slate-700">
          Upload an axial FLAIR slice (PNG, JPEG, TIFF or WebP) or a whole FLAIR volume (NIfTI). A neural network answers
          <strong> Tumor</strong> or <strong>No Tumor</strong> with its probability, draws the tumour it finds over the image,
          and for a volume measures the tumour in millilitres.
        </p>
        <div className="flex flex-wrap gap-3">
          <Link href="/predict" className="rounded-md bg-teal-700 px-5 py-2.5 text-sm font-medium text-white hover:bg-teal-800">Analyse a slice</Link>
          <Link href="/volume" className="rounded-md border border-slate-300 bg-white px-5 py-2.5 text-sm font-medium hover:bg-slate-50">Analyse a volume</Link>
        </div>
        <div className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
          <ExampleList page="/predict" heading="Try a slice" />
          <ExampleList page="/volume" heading="Try a volume" />
        </div>
        <p role="note" className="max-w-2xl rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          This is a research tool, not a diagnosis. It was trained on a few dozen patients with lower-grade gliomas and can be
          wrong. Never use it to make a decision about a patient.
        </p>
      </section>
      <HowItWorks manifest={manifest} />
      <ModelFacts manifest={manifest} />
    </div>
  );
}
