'use client';

import { useEffect, useRef, useState } from 'react';
import type { VolumeView } from '@/lib/answers/volume-answer';
import { readReply } from './api-reply';
import { uploadBody } from './upload-body';
import { volumeDone, type VolumeState } from './volume-state';

// With JavaScript the volume form goes by XMLHttpRequest (fetch reports no upload progress) to the page's own route,
// which answers the view the server action would render; the page renders it with the same components.

const VIEW_URL = '/api/volume/view';
const NO_ANSWER = 'The volume could not be sent: the server did not answer. Check the connection and try again.';

export type VolumeProgress = { phase: 'uploading'; percent: number } | { phase: 'analysing' };

/** An answer, with the submission it answers: its files feed the viewer, and the report's download sends them again. */
interface VolumeAnswer {
  state: VolumeState;
  sent: FormData;
}

/** Whole percent sent, never past 100; nothing known is 0. */
export function uploadPercent(loaded: number, total: number): number {
  if (!(total > 0) || !(loaded > 0)) return 0;
  return Math.min(100, Math.floor((loaded / total) * 100));
}

/** `onAnswered`: what the form does once an answer is in (it clears its inputs, as after its server action). */
export function useVolumeRequest(onAnswered: () => void) {
  const [progress, setProgress] = useState<VolumeProgress | null>(null);
  const [answer, setAnswer] = useState<VolumeAnswer | null>(null);
  const current = useRef<XMLHttpRequest | null>(null);
  useEffect(() => () => current.current?.abort(), []);

  /** `force`: analyse it even if the guard flags it ("Analyse anyway"). */
  function send(submission: FormData, force = false) {
    current.current?.abort(); // a new upload replaces one still going
    const xhr = new XMLHttpRequest();
    current.current = xhr;
    const finish = (state: VolumeState) => {
      current.current = null;
      setProgress(null);
      setAnswer({ state, sent: submission });
      onAnswered();
    };
    // listened to before send(): added later, they may never fire
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) setProgress({ phase: 'uploading', percent: uploadPercent(event.loaded, event.total) });
    };
    xhr.upload.onload = () => setProgress({ phase: 'analysing' });
    xhr.onload = () => {
      const reply = readReply<VolumeView>(xhr.status, xhr.responseText, 'The volume could not be analysed');
      finish(reply.ok ? volumeDone(reply.body) : { status: 'error', message: reply.message, overrulable: reply.overrulable });
    };
    xhr.onerror = () => finish({ status: 'error', message: NO_ANSWER });
    xhr.open('POST', VIEW_URL);
    setProgress({ phase: 'uploading', percent: 0 });
    xhr.send(uploadBody(submission, force));
  }

  return { progress, answer, send };
}
