import type { VolumeView } from '@/lib/answers/volume-answer';
import { planeName } from '@/lib/answers/pdf/report-words';

// Axial, coronal and sagittal pictures through the largest lesion's centre, each with its side letters as text at its
// edges (the patient's right on the left, as radiologists read them), not only drawn into the picture.

type Picture = VolumeView['keyPictures'][number];

const altText = (picture: Picture) =>
  `${planeName(picture.plane)} FLAIR picture through the largest lesion's centre, the predicted tumour in red; ${picture.sides.left} on the left, ${picture.sides.right} on the right, ${picture.sides.top} at the top, ${picture.sides.bottom} at the bottom.`;

function KeyPicture({ picture }: { picture: Picture }) {
  const letter = 'text-xs font-semibold text-slate-600';
  return (
    <figure className="key-picture mx-auto w-full max-w-72 space-y-1" data-testid="key-picture" data-plane={picture.plane}>
      <div className="grid grid-cols-[1rem_1fr_1rem] grid-rows-[1rem_auto_1rem] items-center justify-items-center gap-0.5">
        <span className={`col-start-2 ${letter}`} data-side="top">{picture.sides.top}</span>
        <span className={`col-start-1 row-start-2 ${letter}`} data-side="left">{picture.sides.left}</span>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made from the upload, never stored */}
        <img src={picture.src} width={picture.width} height={picture.height} alt={altText(picture)} className="col-start-2 row-start-2 h-auto w-full rounded bg-black" />
        <span className={`col-start-3 row-start-2 ${letter}`} data-side="right">{picture.sides.right}</span>
        <span className={`col-start-2 row-start-3 ${letter}`} data-side="bottom">{picture.sides.bottom}</span>
      </div>
      <figcaption className="text-center text-sm">
        <span className="font-semibold">{planeName(picture.plane)}</span>
        <span className="block text-xs text-slate-500">{picture.sides.left} left, {picture.sides.right} right, {picture.sides.top} top, {picture.sides.bottom} bottom</span>
      </figcaption>
    </figure>
  );
}

export default function KeyPictures({ pictures }: { pictures: Picture[] }) {
  if (pictures.length === 0) return <p className="text-sm text-slate-600">No lesion: no key pictures.</p>;
  return (
    <div className="space-y-2">
      <h4 className="text-sm font-semibold text-slate-800">Key pictures through the largest lesion&rsquo;s centre</h4>
      <div className="key-pictures grid grid-cols-1 items-end gap-4 sm:grid-cols-3">
        {pictures.map((picture) => <KeyPicture key={picture.plane} picture={picture} />)}
      </div>
    </div>
  );
}
