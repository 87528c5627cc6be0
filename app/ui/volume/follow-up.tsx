import type { VolumeView } from '@/lib/answers/volume-answer';
import * as words from '@/lib/answers/pdf/report-words';

// The change since the earlier scan: a change category by RANO 2.0 thresholds, in the PDF's words. A card a measure,
// so that it reads on a phone without scrolling sideways.

const categoryColour: Record<string, string> = {
  progression: 'text-red-700', stable: 'text-slate-900', 'partial response': 'text-teal-800', 'complete response': 'text-teal-800',
};

export default function FollowUp({ followUp, report }: { followUp: NonNullable<VolumeView['followUp']>; report: VolumeView['report'] }) {
  return (
    <section aria-labelledby="follow-up-heading" className="space-y-3" data-testid="follow-up">
      <h3 id="follow-up-heading" className="text-lg font-semibold">Follow-up: the change since the earlier scan</h3>
      <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">{words.FOLLOW_UP_CAVEAT}</p>
      <ul className="grid gap-3 sm:grid-cols-2">
        {words.followUpRows(followUp, report).map((row) => (
          <li key={row.measure} className="rounded-md border border-slate-200 p-3">
            <div className="flex flex-wrap items-baseline justify-between gap-x-3">
              <span className="font-medium">{row.measure}</span>
              <span className={`font-semibold ${categoryColour[row.category]}`} data-testid="follow-up-category">{row.category}</span>
            </div>
            <dl className="mt-2 grid grid-cols-3 gap-2 text-sm tabular-nums">
              <div><dt className="text-xs text-slate-500">Earlier scan</dt><dd>{row.before}</dd></div>
              <div><dt className="text-xs text-slate-500">This scan</dt><dd>{row.now}</dd></div>
              <div><dt className="text-xs text-slate-500">Change</dt><dd data-testid="follow-up-change">{row.change}</dd></div>
            </dl>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">{words.FOLLOW_UP_THRESHOLDS} Source: {words.RANO_SOURCE}.</p>
    </section>
  );
}
