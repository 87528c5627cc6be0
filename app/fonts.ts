import localFont from 'next/font/local';

// Inter from npm: next/font/google would fetch at build time, and builds here are offline.
export const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  variable: '--font-inter',
  display: 'swap',
});
