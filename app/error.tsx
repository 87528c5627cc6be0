'use client';

// Bugs and requests the server refused before our validation ran (e.g. a body far over the size limit).
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-lg font-semibold text-red-800">The analysis could not be completed</h1>
      <p className="mt-2 text-sm text-slate-700">
        The server could not handle this request. The most common cause is a file larger than the upload limit
        (10 MB for an image, 40 MB for a volume). Try a smaller file, or a PNG or JPEG export of a single slice.
      </p>
      <div className="mt-4 flex gap-3">
        <button type="button" onClick={reset} className="rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800">
          Try again
        </button>
        <a href="/predict" className="rounded-md border border-slate-300 px-4 py-2 text-sm">Back to the upload form</a>
      </div>
    </div>
  );
}
