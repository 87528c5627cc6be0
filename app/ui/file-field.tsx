export default function FileField({ name, label, hint, accept, required, multiple }: { name: string; label: string; hint: string; accept: string; required?: boolean; multiple?: boolean }) {
  return (
    <label className="block">
      <span className="text-sm font-medium text-slate-800">{label}</span>
      <input
        type="file"
        name={name}
        accept={accept}
        required={required}
        multiple={multiple}
        className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium hover:file:bg-slate-200"
      />
      <span className="mt-1 block text-xs text-slate-500">{hint}</span>
    </label>
  );
}
