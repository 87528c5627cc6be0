import type { VolumeView } from '@/lib/answers/volume-answer';
import * as words from '@/lib/answers/pdf/report-words';
import KeyPictures from './key-pictures';
import ScrollRegion from '@/app/ui/scroll-region';

// The report as the PDF gives it (lib/answers/volume-pdf.ts), in the same words: figures, lesions, the RANO measure
// and the three key pictures. Server-rendered: no JavaScript needed.

const MAX_LESION_ROWS = 12;
const th = 'whitespace-nowrap py-1.5 pr-4 font-medium';
const td = 'whitespace-nowrap py-1.5 pr-4 tabular-nums';

function Figures({ report }: { report: VolumeView['report'] }) {
  const figures: Array<[string, string, string?]> = [
    ['Tumour volume', words.ml(report.tumourVolumeMl)],
    ['Head volume', words.ml(report.headVolumeMl), 'the head mask, skull included where the scan has it'],
    ['Share of the head', words.share(report.tumourShareOfHead)],
    ['Lesions', words.lesionSummary(report)],
    ['Laterality', words.lateralitySentence(report)],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3" data-testid="report-figures">
      {figures.map(([label, value, hint]) => (
        <div key={label}>
          <dt className="text-slate-500">{label}</dt>
          <dd className="font-medium tabular-nums" data-testid={`report-${label.toLowerCase().replace(/ /g, '-')}`}>{value}</dd>
          {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

function LesionTable({ lesions }: { lesions: VolumeView['report']['lesions'] }) {
  if (lesions.length === 0) return <p className="text-sm text-slate-600">No lesion of at least 0.1 mL.</p>;
  const rest = lesions.slice(MAX_LESION_ROWS);
  return (
    <ScrollRegion label="Lesions">
      <table className="w-full text-left text-sm" data-testid="lesions">
        <caption className="pb-1 text-left text-sm font-semibold text-slate-800">Lesions, largest first</caption>
        <thead>
          <tr className="text-slate-500">
            <th scope="col" className={th}>Lesion</th><th scope="col" className={`${th} text-right`}>Volume</th>
            <th scope="col" className={`${th} text-right`}>Centre x, y, z (RAS mm)</th><th scope="col" className={`${th} text-right`}>Extent L-R × A-P × S-I (mm)</th>
          </tr>
        </thead>
        <tbody>
          {lesions.slice(0, MAX_LESION_ROWS).map((lesion, i) => (
            <tr key={i} className="border-t border-slate-200">
              <th scope="row" className={`${th} text-left`}>{words.lesionName(i)}</th>
              <td className={`${td} text-right`}>{words.ml(lesion.volumeMl)}</td>
              <td className={`${td} text-right`}>{words.position(lesion.centroidMm)}</td>
              <td className={`${td} text-right`}>{words.extent(lesion.extentMm)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rest.length > 0 && <p className="mt-1 text-xs text-slate-500">and {rest.length} smaller, {words.ml(rest.reduce((sum, lesion) => sum + lesion.volumeMl, 0))} together.</p>}
    </ScrollRegion>
  );
}

function RanoTable({ report }: { report: VolumeView['report'] }) {
  if (report.bidimensional.length === 0) return <p className="text-sm text-slate-600">No lesion to measure by RANO.</p>;
  return (
    <div className="space-y-1">
      <ScrollRegion label="RANO measure">
        <table className="w-full text-left text-sm" data-testid="rano">
          <caption className="pb-1 text-left text-sm font-semibold text-slate-800">RANO bidimensional measure</caption>
          <thead>
            <tr className="text-slate-500">
              <th scope="col" className={th}>Lesion</th><th scope="col" className={`${th} text-right`}>Axial slice</th>
              <th scope="col" className={`${th} text-right`}>Longest</th><th scope="col" className={`${th} text-right`}>Perpendicular</th>
              <th scope="col" className={`${th} text-right`}>Product</th><th scope="col" className={`${th} text-right`}>Measurable</th>
            </tr>
          </thead>
          <tbody>
            {report.bidimensional.map((measure, i) => (
              <tr key={i} className="border-t border-slate-200">
                <th scope="row" className={`${th} text-left`}>{words.lesionName(i)}</th>
                <td className={`${td} text-right`}>{measure.sliceIndex}</td>
                <td className={`${td} text-right`}>{words.mm(measure.longestMm)}</td>
                <td className={`${td} text-right`}>{words.mm(measure.perpendicularMm)}</td>
                <td className={`${td} text-right`}>{words.mm2(measure.productMm2)}</td>
                <td className={`${td} text-right`}>{measure.measurable ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="text-sm font-semibold" data-testid="sum-of-products">Sum of products (measurable lesions): {words.mm2(report.sumOfProductsMm2)}</p>
      <p className="text-xs text-slate-500">{words.RANO_NOTE} Source: {words.RANO_SOURCE}.</p>
    </div>
  );
}

export default function ReportSection({ view }: { view: VolumeView }) {
  return (
    <section aria-labelledby="report-heading" className="report-section space-y-5" data-testid="report">
      <h3 id="report-heading" className="text-lg font-semibold">Report</h3>
      <Figures report={view.report} />
      <LesionTable lesions={view.report.lesions} />
      <RanoTable report={view.report} />
      <KeyPictures pictures={view.keyPictures} />
    </section>
  );
}
