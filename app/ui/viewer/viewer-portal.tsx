'use client';

import dynamic from 'next/dynamic';
import { useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { ViewerInput } from '@/lib/answers/volume-answer';

// NiiVue needs WebGL2 and a window: its code loads in the browser only, once a result is there to show.
const VolumeViewer = dynamic(() => import('./volume-viewer'), { ssr: false });

// a new canvas for every result: the old one's WebGL context is given back on unmount, and a lost context cannot be had again
let results = 0;

/** The viewer, put into the result's slot by the upload form (a result the server renders cannot hold it). */
export default function ViewerPortal({ input, scan }: { input: ViewerInput; scan: File | null }) {
  const [slot, setSlot] = useState<Element | null>(null);
  const result = useMemo(() => ++results, [input, scan]);
  useEffect(() => setSlot(document.querySelector('[data-viewer-slot]')), []);
  return slot ? createPortal(<VolumeViewer key={result} input={input} scan={scan} />, slot) : null;
}
