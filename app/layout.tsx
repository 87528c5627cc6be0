import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { inter } from './fonts';
import './globals.css';

export const metadata: Metadata = {
  title: 'Brain Tumor Detector',
  description: 'Upload a brain MRI slice or volume: tumour / no tumour with its probability, and the tumour drawn on the image. A research tool, not a diagnosis.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection(); // rendered per request: each page carries its own CSP nonce (proxy.ts)
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 text-sm">
            <Link href="/" className="font-semibold text-teal-800">Brain Tumor Detector</Link>
            <Link href="/predict" className="text-slate-700 hover:text-teal-800">Analyse a slice</Link>
            <Link href="/volume" className="text-slate-700 hover:text-teal-800">Analyse a volume</Link>
            <Link href="/model" className="text-slate-700 hover:text-teal-800">Model card</Link>
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
        <footer className="mx-auto max-w-5xl px-4 pb-10 text-xs text-slate-500">
          A research tool trained on public research data. It is not a medical device and does not give a diagnosis.
          Uploads are analysed in memory and never stored.
        </footer>
      </body>
    </html>
  );
}
