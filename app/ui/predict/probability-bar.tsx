export default function ProbabilityBar({ probability, threshold }: { probability: number; threshold: number }) {
  const isTumour = probability >= threshold;
  return (
    <div className="relative h-3 w-full max-w-md rounded-full bg-slate-200" role="meter" aria-valuemin={0} aria-valuemax={100}
      aria-valuenow={Math.round(probability * 100)} aria-label="Tumour probability">
      <div className={`h-3 rounded-full ${isTumour ? 'bg-red-600' : 'bg-emerald-600'}`} style={{ width: `${Math.max(1, probability * 100)}%` }} />
      <div className="absolute -top-1 h-5 w-0.5 bg-slate-700" style={{ left: `${threshold * 100}%` }} title="decision threshold" />
    </div>
  );
}
