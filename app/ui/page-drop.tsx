'use client';

import { useEffect, useRef, useState } from 'react';

// With JavaScript: files dropped anywhere on the page, or an image pasted (with `paste`), go into the form's file input
// and the form is sent, as if chosen and submitted. A drop zone covers the page while something is dragged over it.

export default function PageDrop({ field, what, paste = false }: { field: string; what: string; paste?: boolean }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const [dragging, setDragging] = useState(false);
  // the hint only where it works: not in the page rendered on the server for a browser without JavaScript
  const [listening, setListening] = useState(false);

  useEffect(() => {
    const form = anchor.current?.closest('form');
    const input = form?.elements.namedItem(field) as HTMLInputElement | null;
    if (!form || !input) return;
    let depth = 0; // dragenter and dragleave fire for every element crossed
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    function send(files: FileList | File[]) {
      const transfer = new DataTransfer();
      for (const file of Array.from(files).slice(0, input!.multiple ? undefined : 1)) transfer.items.add(file);
      if (transfer.files.length === 0) return;
      input!.files = transfer.files;
      input!.dispatchEvent(new Event('change', { bubbles: true }));
      form!.requestSubmit();
    }
    const onEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (carriesFiles(event)) event.preventDefault(); // without this the browser opens the file instead
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      send(event.dataTransfer!.files);
    };
    const onPaste = (event: ClipboardEvent) => {
      const images = Array.from(event.clipboardData?.files ?? []).filter((file) => file.type.startsWith('image/'));
      if (images.length === 0) return;
      event.preventDefault();
      // a pasted screenshot is named "image.png" by the browser; its bytes are what matters
      send(images);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    if (paste) window.addEventListener('paste', onPaste);
    setListening(true);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, [field, paste]);

  return (
    <span ref={anchor}>
      <span className={listening ? 'hidden text-xs text-slate-500 sm:inline' : 'hidden'}>
        Or drop {what} anywhere on this page{paste ? ', or paste an image (Ctrl+V)' : ''}.
      </span>
      {dragging && (
        <span className="pointer-events-none fixed inset-0 z-50 grid place-items-center bg-teal-900/40 p-6" data-testid="drop-zone">
          <span className="rounded-xl border-4 border-dashed border-white bg-teal-800/90 px-8 py-6 text-lg font-semibold text-white">Drop {what} to analyse</span>
        </span>
      )}
    </span>
  );
}
