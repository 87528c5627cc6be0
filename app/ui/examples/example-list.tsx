import { examplesFor, type ExamplePage } from '@/lib/examples/catalogue';

// Examples one click away: buttons of a GET form, so that they work without JavaScript and the answer has an address.
// The page analyses the named file through the same action as an upload.

const licences = (page: ExamplePage) => [...new Set(examplesFor(page).map((e) => `${e.source} (${e.licence})`))];

export default function ExampleList({ page, heading = 'No file at hand? Try an example' }: { page: ExamplePage; heading?: string }) {
  const examples = examplesFor(page);
  const headingId = `examples-${page.slice(1)}`;
  return (
    <form method="get" action={page} aria-labelledby={headingId} className="space-y-2" data-testid="examples">
      <h2 id={headingId} className="text-sm font-semibold text-slate-800">{heading}</h2>
      <div className="flex flex-wrap gap-2">
        {examples.map((example) => (
          <button key={example.name} type="submit" name="example" value={example.name} data-example={example.name}
            className="rounded-md border border-teal-700 bg-white px-3 py-1.5 text-sm text-teal-800 hover:bg-teal-50 focus-visible:outline-2 focus-visible:outline-teal-600">
            {example.title}
          </button>
        ))}
      </div>
      <p className="text-xs text-slate-600">
        Sources and licences: {licences(page).join('; ')}. The files:{' '}
        {examples.map((example, i) => (
          <span key={example.name}>{i > 0 && ', '}<a href={`/examples/${example.file}`} download className="underline">{example.file}</a></span>
        ))}.
      </p>
    </form>
  );
}
