'use client';

import { useElapsedSeconds } from '@/app/ui/use-elapsed-seconds';
import type { VolumeProgress } from './use-volume-request';

// The upload in %, then the seconds the server has been analysing. The live region says only when the phase changes:
// a percentage or a counter inside it would be read out at every tick.

const PHASE: Record<VolumeProgress['phase'], string> = {
  uploading: 'Uploading the volume…',
  analysing: 'Uploaded. The server is analysing the volume…',
};

export default function VolumeProgressPanel({ progress }: { progress: VolumeProgress | null }) {
  const seconds = useElapsedSeconds(progress?.phase === 'analysing');
  return (
    <div className="space-y-1.5 text-sm text-slate-700" data-testid="volume-progress" data-phase={progress?.phase ?? 'idle'}>
      <p role="status" aria-live="polite" className="font-medium">{progress ? PHASE[progress.phase] : ''}</p>
      {progress?.phase === 'uploading' && (
        <div className="flex items-center gap-3">
          <progress max={100} value={progress.percent} aria-label="Upload of the volume" data-testid="upload-progress"
            className="h-2.5 w-64 max-w-full appearance-none overflow-hidden rounded-full bg-slate-200 [&::-moz-progress-bar]:bg-teal-700 [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-teal-700" />
          <span className="tabular-nums" aria-hidden data-testid="upload-percent">{progress.percent}%</span>
        </div>
      )}
      {progress?.phase === 'analysing' && (
        <p className="text-slate-600">
          <span className="tabular-nums font-medium text-slate-800" data-testid="elapsed">{seconds} s</span> so far: it reads the volume, then
          runs the model on every slice with brain in it.
        </p>
      )}
    </div>
  );
}
