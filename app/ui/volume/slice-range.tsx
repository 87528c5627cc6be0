'use client';

import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { SLICE_ID_PREFIX } from './slice-ids';

/**
 * With JavaScript, a slider over the radio buttons the slice browser uses without it.
 * Rendered by the upload form into the browser's slot: the server-rendered result cannot hold a client component.
 */
export default function SliceRange({ indices, start }: { indices: number[]; start: number }) {
  const [slot, setSlot] = useState<Element | null>(null);
  const [position, setPosition] = useState(Math.max(0, indices.indexOf(start)));

  useEffect(() => {
    setSlot(document.querySelector('[data-slice-range-slot]'));
    // follow a slice chosen with the buttons
    const follow = (event: Event) => {
      const target = event.target as HTMLInputElement;
      if (target.id?.startsWith(SLICE_ID_PREFIX)) setPosition(indices.indexOf(Number(target.value)));
    };
    document.addEventListener('change', follow);
    return () => document.removeEventListener('change', follow);
  }, [indices]);

  if (!slot || indices.length < 2) return null;
  function choose(next: number) {
    setPosition(next);
    const radio = document.getElementById(`${SLICE_ID_PREFIX}${indices[next]}`) as HTMLInputElement | null;
    if (radio) radio.checked = true;
  }
  return createPortal(
    <label className="flex items-center gap-3 text-sm text-slate-700">
      <span className="shrink-0">Slice</span>
      <input type="range" min={0} max={indices.length - 1} step={1} value={position} onChange={(event) => choose(Number(event.target.value))}
        aria-valuetext={`slice ${indices[position]}`} className="w-full accent-teal-700" data-testid="slice-range" />
      <span className="w-10 shrink-0 text-right tabular-nums">{indices[position]}</span>
    </label>,
    slot,
  );
}
